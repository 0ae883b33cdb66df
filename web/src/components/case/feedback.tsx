import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ErrorSummary, type FieldError } from '../error-summary.tsx';

/**
 * What the case screen tells its user after a command: errors summarised at the top of the page
 * (one summary for the whole screen, focused when it appears) and successes announced politely.
 */
interface Feedback {
  /** Announces a success in the live region; clears the error summary. */
  announce(message: string): void;
  /** Shows the errors in the summary at the top of the page, which takes the focus. */
  fail(errors: FieldError[], title?: string): void;
  clear(): void;
}

const FeedbackContext = createContext<Feedback>({ announce() {}, fail() {}, clear() {} });

export const useFeedback = () => useContext(FeedbackContext);

const NONE: FieldError[] = [];

export function CaseFeedback({ children }: { children: ReactNode }) {
  const [errors, setErrors] = useState<{ title?: string; list: FieldError[] }>({ list: NONE });
  const [message, setMessage] = useState('');
  const summary = useRef<HTMLDivElement>(null);

  const feedback = useMemo<Feedback>(
    () => ({
      announce(text) {
        setErrors({ list: NONE });
        // Emptied first, so that the same sentence twice is announced twice.
        setMessage('');
        requestAnimationFrame(() => setMessage(text));
      },
      fail(list, title) {
        setMessage('');
        setErrors({ list: [...list], ...(title && { title }) });
      },
      clear() {
        setErrors({ list: NONE });
        setMessage('');
      },
    }),
    [],
  );

  // A link of the summary puts the focus in its field (a bare fragment link only scrolls to it).
  const focusField = useCallback((event: MouseEvent) => {
    const link = (event.target as Element).closest('a[href^="#"]');
    const field = link && document.getElementById(link.getAttribute('href')?.slice(1) ?? '');
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: 'center' });
  }, []);
  useEffect(() => {
    const box = summary.current;
    box?.addEventListener('click', focusField);
    return () => box?.removeEventListener('click', focusField);
  }, [focusField]);

  return (
    <FeedbackContext value={feedback}>
      <div ref={summary}>
        <ErrorSummary errors={errors.list} {...(errors.title && { title: errors.title })} />
      </div>
      <p className="case-announce" role="status">
        {message}
      </p>
      {children}
    </FeedbackContext>
  );
}
