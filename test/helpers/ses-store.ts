/** A mail as the SES emulator (aws-ses-v2-local) keeps it: `GET /store`. */
export interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** The mails the SES emulator received about a case: those whose text links to it. */
export async function storedMailsOf(sesEndpoint: string, caseId: string): Promise<StoredMail[]> {
  const res = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await res.json()) as { emails: StoredMail[] };
  return emails.filter((m) => (m.body.text ?? '').includes(`/dossiers/${caseId}`));
}
