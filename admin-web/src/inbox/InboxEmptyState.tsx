//! The empty conversation list, saying what to do next (`emptyInbox.ts` decides which):
//! create the widget, install its snippet and try a test chat, see who is on the site, or
//! clear a search or filters. Links lead where the work is done; owners and admins get the
//! widget's pages, agents are told whom to ask.

import { Blocks, Code, ExternalLink, Inbox, ListFilter, Radar, SearchX } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { Button } from "../components/ui/Button";
import { EmptyState, Spinner } from "../components/ui/misc";
import { useIsAdmin } from "../lib/auth";
import { testChatUrl } from "../widgets/InstallGuide";
import { useWidgets } from "../widgets/queries";
import { emptyInbox } from "./emptyInbox";
import { defaultFilter, type InboxFilter } from "./model";
import { useAnyConversation } from "./queries";

const linkClass =
  "inline-flex items-center gap-1.5 font-medium text-brand-600 hover:underline dark:text-brand-400";

function NextStep({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <li className="flex items-start gap-2 text-left">
      <span className="mt-0.5 text-zinc-400">{icon}</span>
      <span>{children}</span>
    </li>
  );
}

export function InboxEmptyState({
  filter,
  onFilter,
}: {
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
}) {
  const isAdmin = useIsAdmin();
  const widgets = useWidgets();
  const known = widgets.data?.widgets;
  // Asked only when it decides something: a widget exists (or the list of them failed).
  const any = useAnyConversation(
    !filter.query.trim() && (widgets.isError || (known?.length ?? 0) > 0),
  );
  const state = emptyInbox({
    filter,
    widgets: widgets.isError ? "unknown" : known,
    anyConversation: any.isError ? "unknown" : any.data,
  });
  const common = { "data-testid": "inbox-empty" } as const;

  switch (state.kind) {
    case "loading":
      return (
        <div className="flex justify-center py-12" data-testid="inbox-empty">
          <Spinner />
        </div>
      );
    case "no-match":
      return (
        <EmptyState {...common} icon={<SearchX className="size-5" />} title="No matches">
          No conversation matches this search and filter. Searches look in visitor names, e-mail
          addresses and messages.
        </EmptyState>
      );
    case "no-widget":
      return (
        <EmptyState
          {...common}
          icon={<Blocks className="size-5" />}
          title="Set up your chat widget"
        >
          {isAdmin ? (
            <>
              Create a widget and paste its snippet into your site: visitors' chats arrive here.
              <div className="mt-4">
                <Link to="/widgets?new=1" className={linkClass}>
                  Create your widget
                </Link>
              </div>
            </>
          ) : (
            "An owner or admin of this workspace creates the chat widget for your site; visitors' chats arrive here once it is installed."
          )}
        </EmptyState>
      );
    case "not-installed":
      return (
        <EmptyState {...common} icon={<Inbox className="size-5" />} title="No conversations yet">
          <p>Chats arrive here the moment a visitor writes.</p>
          <ul className="mt-4 space-y-2.5">
            <NextStep icon={<Code className="size-4" />}>
              {isAdmin ? (
                <Link to={`/widgets/${state.widget.id}?section=install`} className={linkClass}>
                  Install the snippet on your site
                </Link>
              ) : (
                "Ask an owner or admin to install the widget's snippet on your site."
              )}
            </NextStep>
            <NextStep icon={<ExternalLink className="size-4" />}>
              <a
                href={testChatUrl(state.widget.publicToken)}
                target="_blank"
                rel="noopener"
                className={linkClass}
              >
                Try a test chat
              </a>{" "}
              — write as a visitor and answer here.
            </NextStep>
          </ul>
        </EmptyState>
      );
    case "filtered":
      return (
        <EmptyState
          {...common}
          icon={<ListFilter className="size-5" />}
          title="Nothing matches these filters"
        >
          <Button size="sm" className="mt-3" onClick={() => onFilter(defaultFilter)}>
            Show all open conversations
          </Button>
        </EmptyState>
      );
    case "caught-up":
      return (
        <EmptyState {...common} icon={<Inbox className="size-5" />} title="No open conversations">
          <p>New chats appear here the moment a visitor writes.</p>
          <ul className="mt-4 space-y-2.5">
            <NextStep icon={<Radar className="size-4" />}>
              <Link to="/visitors" className={linkClass}>
                See who is on your site
              </Link>{" "}
              and start a chat.
            </NextStep>
            {filter.status !== "all" && (
              <NextStep icon={<Inbox className="size-4" />}>
                <Link to="/inbox?status=resolved" className={linkClass}>
                  Look through resolved conversations
                </Link>
              </NextStep>
            )}
          </ul>
        </EmptyState>
      );
  }
}
