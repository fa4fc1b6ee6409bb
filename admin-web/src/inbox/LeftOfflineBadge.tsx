//! "Left offline": the mark of a conversation the visitor left through the widget's offline
//! form, with why it matters (how they expect the answer). Words and an icon, never colour
//! alone. In a list row (inside the row's link) it is a plain badge whose explanation is
//! its `title`; in the open conversation's header it is a toggletip: the explanation shows
//! on hover, on focus by keyboard and on a tap or click, and is the button's description for
//! screen readers whether or not it is shown.

import * as Popover from "@radix-ui/react-popover";
import { Mailbox } from "lucide-react";
import { useId, useState } from "react";
import { cn } from "../components/ui/cn";
import { leftOfflineNote } from "./model";

const look =
  "inline-flex shrink-0 items-center gap-1 rounded-md bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-800 ring-1 ring-sky-200 ring-inset dark:bg-sky-500/15 dark:text-sky-200 dark:ring-sky-500/30";

/** The badge of a list row: text and icon, the explanation as its title. */
export function LeftOfflineBadge({ visitorEmail }: { visitorEmail: string }) {
  return (
    <span className={look} title={leftOfflineNote(visitorEmail)} data-testid="left-offline">
      <Mailbox className="size-3" aria-hidden />
      Left offline
    </span>
  );
}

/** The header's badge: a button that shows the explanation (hover, focus, tap, click). */
export function LeftOfflineToggletip({ visitorEmail }: { visitorEmail: string }) {
  const note = leftOfflineNote(visitorEmail);
  const noteId = useId();
  // Open while hovered or focused by keyboard; pinned open by a click or tap until
  // dismissed (again, Escape, or a click elsewhere).
  const [hovered, setHovered] = useState(false);
  const [pinned, setPinned] = useState(false);
  return (
    <Popover.Root
      open={hovered || pinned}
      onOpenChange={(open) => {
        if (!open) {
          setHovered(false);
          setPinned(false);
        }
      }}
    >
      <Popover.Trigger asChild>
        <button
          type="button"
          data-testid="left-offline"
          aria-describedby={noteId}
          className={cn(
            look,
            "cursor-help focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none",
          )}
          onClick={(e) => {
            e.preventDefault();
            setPinned((p) => !p);
          }}
          onPointerEnter={(e) => e.pointerType === "mouse" && setHovered(true)}
          onPointerLeave={(e) => e.pointerType === "mouse" && setHovered(false)}
          onFocus={(e) => focusedByKeyboard(e.currentTarget) && setHovered(true)}
          onBlur={() => setHovered(false)}
        >
          <Mailbox className="size-3" aria-hidden />
          Left offline
        </button>
      </Popover.Trigger>
      <span id={noteId} className="sr-only">
        {note}
      </span>
      <Popover.Portal>
        <Popover.Content
          side="bottom"
          align="start"
          sideOffset={6}
          // A toggletip informs; it does not take the focus from the page.
          onOpenAutoFocus={(e) => e.preventDefault()}
          onCloseAutoFocus={(e) => e.preventDefault()}
          role="tooltip"
          className="z-50 max-w-64 rounded-md bg-zinc-900 px-2.5 py-1.5 text-xs text-white shadow animate-fade-in dark:bg-zinc-100 dark:text-zinc-900"
        >
          {note}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/** Whether `el` got the focus from the keyboard (where `:focus-visible` is unknown: no). */
function focusedByKeyboard(el: Element): boolean {
  try {
    return el.matches(":focus-visible");
  } catch {
    return false;
  }
}
