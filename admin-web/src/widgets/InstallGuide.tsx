//! The widget's Install card: the embed snippet (GetEmbedSnippet) with where to paste it on
//! a plain site, WordPress, Shopify and Google Tag Manager, and a link to a test page that
//! runs the widget on this server (`public/try-widget.html`), so the owner can write as a
//! visitor and see the chat arrive in the inbox.

import type { Widget } from "@porthole/client";
import { useQuery } from "@tanstack/react-query";
import { ExternalLink, TriangleAlert } from "lucide-react";
import { type ReactNode, useState } from "react";
import { buttonClasses } from "../components/ui/Button";
import { cn } from "../components/ui/cn";
import { Card, CopyButton, Spinner } from "../components/ui/misc";
import { widgetClient } from "../lib/api";
import { originAllowed } from "./settings";

export type Platform = "html" | "wordpress" | "shopify" | "gtm";

export const PLATFORMS: ReadonlyArray<readonly [Platform, string]> = [
  ["html", "Any website"],
  ["wordpress", "WordPress"],
  ["shopify", "Shopify"],
  ["gtm", "Google Tag Manager"],
];

function C({ children }: { children: ReactNode }) {
  return (
    <code className="rounded bg-zinc-100 px-1 py-px font-mono text-[12px] dark:bg-zinc-800">
      {children}
    </code>
  );
}

function B({ children }: { children: ReactNode }) {
  return <span className="font-medium text-zinc-800 dark:text-zinc-200">{children}</span>;
}

/** Where to paste the snippet on each platform: short steps, in the platform's own words. */
export function installSteps(platform: Platform): ReactNode[] {
  switch (platform) {
    case "html":
      return [
        <>Copy the snippet.</>,
        <>
          Open the HTML of your pages, or better the shared layout or footer template every page
          uses.
        </>,
        <>
          Paste the snippet just before the closing <C>&lt;/body&gt;</C> tag and publish.
        </>,
      ];
    case "wordpress":
      return [
        <>
          In WordPress, go to <B>Plugins → Add New Plugin</B>, search for <B>WPCode</B> (“Insert
          Headers and Footers”), then install and activate it.
        </>,
        <>
          Open <B>Code Snippets → Header &amp; Footer</B>.
        </>,
        <>
          Paste the snippet into the <B>Footer</B> box and click <B>Save Changes</B>.
        </>,
      ];
    case "shopify":
      return [
        <>
          In your Shopify admin, go to <B>Online Store → Themes</B>.
        </>,
        <>
          Next to your current theme, click <B>…</B> and choose <B>Edit code</B>.
        </>,
        <>
          Under <B>Layout</B>, open <C>theme.liquid</C>.
        </>,
        <>
          Paste the snippet just above <C>&lt;/body&gt;</C> and click <B>Save</B>.
        </>,
      ];
    case "gtm":
      return [
        <>
          In your container, open <B>Tags → New</B>.
        </>,
        <>
          Under <B>Tag Configuration</B>, choose <B>Custom HTML</B> and paste the snippet.
        </>,
        <>
          Under <B>Triggering</B>, choose <B>All Pages</B>, then save the tag.
        </>,
        <>
          Click <B>Submit</B>, then <B>Publish</B>.
        </>,
      ];
  }
}

/** The test page for a widget: the real widget on this server, as a visitor sees it. */
export function testChatUrl(publicToken: string): string {
  return `${import.meta.env.BASE_URL}try-widget.html?token=${encodeURIComponent(publicToken)}`;
}

export function InstallCard({ widget, created }: { widget: Widget; created?: boolean }) {
  const [platform, setPlatform] = useState<Platform>("html");
  const snippet = useQuery({
    queryKey: ["embed", widget.id, widget.publicToken],
    queryFn: () => widgetClient.getEmbedSnippet({ widgetId: widget.id }),
  });
  const domains = widget.settings?.allowedDomains ?? [];
  const testBlocked = !originAllowed(location.origin, domains);
  return (
    <Card
      title={created ? "Your widget is ready: add it to your site" : "Install"}
      description="Paste this snippet once, on every page that should show the chat."
    >
      {snippet.data ? (
        <div className="space-y-5">
          <div className="space-y-3">
            <pre
              className="rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-zinc-100"
              data-testid="embed-snippet"
            >
              {snippet.data.html}
            </pre>
            <div className="flex items-center gap-2">
              <CopyButton text={snippet.data.html} label="Copy snippet" />
              <span className="truncate text-xs text-zinc-500">
                Public token{" "}
                <code className="font-mono" data-testid="public-token">
                  {widget.publicToken}
                </code>
              </span>
            </div>
          </div>
          <div>
            <h3 className="mb-2 text-[13px] font-medium">Where to paste it</h3>
            <div
              role="tablist"
              aria-label="Your site is built with"
              className="mb-3 flex flex-wrap gap-1 rounded-lg bg-zinc-100 p-0.5 text-xs dark:bg-zinc-800/60"
            >
              {PLATFORMS.map(([id, label]) => (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  id={`install-tab-${id}`}
                  aria-selected={platform === id}
                  aria-controls="install-steps"
                  onClick={() => setPlatform(id)}
                  className={cn(
                    "flex-1 rounded-md px-2.5 py-1 font-medium whitespace-nowrap",
                    platform === id
                      ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-white"
                      : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
                  )}
                >
                  {label}
                </button>
              ))}
            </div>
            <ol
              id="install-steps"
              role="tabpanel"
              aria-labelledby={`install-tab-${platform}`}
              className="list-decimal space-y-1.5 pl-5 text-[13px] text-zinc-600 marker:text-zinc-400 dark:text-zinc-400"
            >
              {installSteps(platform).map((step, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed steps in a fixed order
                <li key={i}>{step}</li>
              ))}
            </ol>
            <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
              The chat button appears a moment after the page has loaded.
              {domains.length > 0 && (
                <>
                  {" "}
                  Only the allowed websites below may show it: add your site's domain there if it is
                  missing.
                </>
              )}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-3 border-t border-zinc-100 pt-4 dark:border-zinc-800">
            <a
              href={testChatUrl(widget.publicToken)}
              target="_blank"
              rel="noopener"
              className={buttonClasses("secondary", "sm")}
            >
              <ExternalLink className="size-3.5" /> Try a test chat
            </a>
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              Opens a page with this widget: write as a visitor, answer from the inbox.
            </span>
            {(testBlocked || !widget.active) && (
              <p className="flex w-full items-start gap-1.5 text-xs text-amber-700 dark:text-amber-400">
                <TriangleAlert className="mt-px size-3.5 shrink-0" aria-hidden />
                {!widget.active
                  ? "The widget is inactive: switch it on above, or the test page stays empty."
                  : `The test page is on ${location.host}, which is not among the allowed websites: add it to try the chat there.`}
              </p>
            )}
          </div>
        </div>
      ) : (
        <Spinner />
      )}
    </Card>
  );
}
