//! The first-run checklist ("Get started") as rules without React: its steps in order, each
//! worked out from `GetSetupProgress` and the workspace's widgets — what it is and why, where
//! its button leads, whether it is done and what showed it — and the count the navigation
//! shows. The server decides what is done; nothing here is ticked by hand.

import type { GetSetupProgressResponse, Widget } from "@porthole/client";
import { fullTime } from "../lib/format";
import { testChatUrl } from "../widgets/InstallGuide";

export type SetupStepId = "widget" | "install" | "team" | "hours" | "chat";

/** Where a step's button leads: a page of the dashboard, or the test page in a new tab. */
export type SetupAction =
  | { label: string; to: string }
  | { label: string; href: string }
  /** Nothing to do yet (no widget): says why instead. */
  | { label: string; blocked: string };

export interface SetupStep {
  id: SetupStepId;
  title: string;
  /** What the step is and why it matters, in a sentence or two. */
  why: string;
  done: boolean;
  /** What showed it done ("Seen on https://shop.example at …"); only once done. */
  proof?: string;
  /** Only owners and admins can do it; agents are told who does. */
  adminOnly: boolean;
  action: SetupAction;
}

/** The widget the steps lead to: the first active one, else the first. */
export function setupWidget(widgets: readonly Widget[]): Widget | undefined {
  return widgets.find((w) => w.active) ?? widgets[0];
}

/** The steps in order. `widgets` are the workspace's (the buttons lead to the first). */
export function setupSteps(
  progress: GetSetupProgressResponse,
  widgets: readonly Widget[],
): SetupStep[] {
  const widget = setupWidget(widgets);
  const needsWidget = (label: string, to: (w: Widget) => SetupAction): SetupAction =>
    widget ? to(widget) : { label, blocked: "Create your widget first." };
  return [
    {
      id: "widget",
      title: "Create your widget",
      why: "The chat button your visitors click. Give it a name now; its colours, texts and hours can wait.",
      done: progress.widgetCreated,
      ...(progress.widgetCreated && widget ? { proof: `“${widget.name}” is ready.` } : {}),
      adminOnly: true,
      action: progress.widgetCreated
        ? { label: "Edit widget", to: widget ? `/widgets/${widget.id}` : "/widgets" }
        : { label: "Create widget", to: "/widgets?new=1" },
    },
    {
      id: "install",
      title: "Install the snippet on your site",
      why:
        "Paste one line into your site's pages; the guide shows where on WordPress, Shopify and " +
        "Google Tag Manager. This ticks itself off at the first page view on your own site, " +
        "yours or a visitor's. The test page does not count.",
      done: progress.widgetSeen,
      ...(progress.widgetSeen
        ? {
            proof: `Seen on ${progress.firstSeenOrigin || "your site"} at ${fullTime(progress.firstSeenTime)}.`,
          }
        : {}),
      adminOnly: true,
      action: needsWidget("Get the snippet", (w) => ({
        label: progress.widgetSeen ? "Open install guide" : "Get the snippet",
        to: `/widgets/${w.id}?section=install`,
      })),
    },
    {
      id: "team",
      title: "Invite your team",
      why: "Everyone who answers chats gets their own login. Conversations are shared among those online, so none waits for one person.",
      done: progress.teamInvited,
      adminOnly: true,
      action: progress.teamInvited
        ? { label: "Invite more", to: "/team?invite=1" }
        : { label: "Invite people", to: "/team?invite=1" },
    },
    {
      id: "hours",
      title: "Set business hours",
      why: "Tell visitors when someone is there. Outside these hours the widget says so and offers to take a message instead of leaving them waiting.",
      done: progress.businessHoursSet,
      adminOnly: true,
      action: needsWidget("Set hours", (w) => ({
        label: progress.businessHoursSet ? "Change hours" : "Set hours",
        to: `/widgets/${w.id}?section=hours`,
      })),
    },
    {
      id: "chat",
      title: "Try a test chat",
      why: "Open a page with your widget, write as a visitor and answer here. Ticks itself off when the workspace's first conversation arrives, from the test page or your site.",
      done: progress.chatTried,
      ...(progress.chatTried ? { proof: "Your first conversation is in the inbox." } : {}),
      adminOnly: false,
      action: needsWidget("Open the test page", (w) => ({
        label: "Open the test page",
        href: testChatUrl(w.publicToken),
      })),
    },
  ];
}

/** How many steps are done, of how many. */
export function setupCount(progress: GetSetupProgressResponse): { done: number; total: number } {
  const steps = setupSteps(progress, []);
  return { done: steps.filter((s) => s.done).length, total: steps.length };
}

/** Whether every step is done. */
export function setupComplete(progress: GetSetupProgressResponse): boolean {
  const { done, total } = setupCount(progress);
  return done === total;
}
