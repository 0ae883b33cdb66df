import { useEffect, useState } from 'react';
import { completeSignIn, currentToken } from './session.ts';

/** Whether a session exists (after finishing a Cognito sign-in, when coming back from it). */
export function useSession(): 'unknown' | 'signed-in' | 'signed-out' {
  const [state, setState] = useState<'unknown' | 'signed-in' | 'signed-out'>('unknown');
  useEffect(() => {
    let live = true;
    (async () => {
      await completeSignIn().catch(() => false);
      const token = await currentToken();
      if (live) setState(token ? 'signed-in' : 'signed-out');
    })();
    return () => {
      live = false;
    };
  }, []);
  return state;
}
