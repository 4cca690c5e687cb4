import { formatDate } from "./format";

/** A date in the reader's locale and time zone (which the server cannot know, hence no hydration warning). */
export function DateText({ iso }: { iso: string | null | undefined }) {
  return (
    <time dateTime={iso ?? undefined} suppressHydrationWarning>
      {formatDate(iso)}
    </time>
  );
}
