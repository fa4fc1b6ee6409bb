//! The dashboard: providers, and the routes (public account pages, then the signed-in shell).

import { Code, ConnectError } from "@porthole/client";
import { throttleOf } from "@porthole/client/rules";
import * as Tooltip from "@radix-ui/react-tooltip";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { AcceptInviteScreen } from "./account/AcceptInviteScreen";
import { ForgotPasswordScreen } from "./account/ForgotPasswordScreen";
import { ResetPasswordScreen } from "./account/ResetPasswordScreen";
import { SignInScreen } from "./account/SignInScreen";
import { SignUpScreen } from "./account/SignUpScreen";
import { Spinner } from "./components/ui/misc";
import { Toaster } from "./components/ui/Toast";
import { InboxScreen } from "./inbox/InboxScreen";
import { useSession } from "./lib/auth";
import { GetStartedScreen } from "./setup/GetStartedScreen";
import { AppShell } from "./shell/AppShell";
import { NotFound } from "./shell/NotFound";

// Screens visited now and then load on first use; the inbox is in the main bundle.
const SettingsScreen = lazy(() =>
  import("./account/SettingsScreen").then((m) => ({ default: m.SettingsScreen })),
);
const NotificationsScreen = lazy(() =>
  import("./notifications/NotificationsScreen").then((m) => ({
    default: m.NotificationsScreen,
  })),
);
const AuditLogScreen = lazy(() =>
  import("./audit/AuditLogScreen").then((m) => ({ default: m.AuditLogScreen })),
);
const DeliveriesScreen = lazy(() =>
  import("./deliveries/DeliveriesScreen").then((m) => ({ default: m.DeliveriesScreen })),
);
const TeamScreen = lazy(() => import("./team/TeamScreen").then((m) => ({ default: m.TeamScreen })));
const KnowledgeScreen = lazy(() =>
  import("./knowledge/KnowledgeScreen").then((m) => ({ default: m.KnowledgeScreen })),
);
const RulesScreen = lazy(() =>
  import("./rules/RulesScreen").then((m) => ({ default: m.RulesScreen })),
);
const LiveVisitorsScreen = lazy(() =>
  import("./visitors/LiveVisitorsScreen").then((m) => ({ default: m.LiveVisitorsScreen })),
);
const OverviewScreen = lazy(() =>
  import("./reports/OverviewScreen").then((m) => ({ default: m.OverviewScreen })),
);
const ReportsScreen = lazy(() =>
  import("./reports/ReportsScreen").then((m) => ({ default: m.ReportsScreen })),
);
const WidgetsScreen = lazy(() =>
  import("./widgets/WidgetsScreen").then((m) => ({ default: m.WidgetsScreen })),
);
const WebhooksScreen = lazy(() =>
  import("./webhooks/WebhooksScreen").then((m) => ({ default: m.WebhooksScreen })),
);
const WidgetEditorScreen = lazy(() =>
  import("./widgets/WidgetEditorScreen").then((m) => ({ default: m.WidgetEditorScreen })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => {
        const code = ConnectError.from(error).code;
        const final = [
          Code.NotFound,
          Code.PermissionDenied,
          Code.InvalidArgument,
          Code.Unauthenticated,
        ];
        return !final.includes(code) && failures < 2;
      },
      // A throttled query waits what the server asked for; others keep TanStack's backoff.
      retryDelay: (failures, error) =>
        throttleOf(ConnectError.from(error)).retryAfterMs ?? Math.min(1000 * 2 ** failures, 30_000),
    },
  },
});

function Lazy({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="flex h-full items-center justify-center">
          <Spinner className="size-5" />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (!current) {
    const next = location.pathname + location.search;
    return (
      <Navigate to={`/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`} replace />
    );
  }
  return children;
}

function PublicOnly({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (current) {
    const next = new URLSearchParams(location.search).get("next");
    return <Navigate to={next?.startsWith("/") ? next : "/inbox"} replace />;
  }
  return children;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Tooltip.Provider delayDuration={300}>
        <BrowserRouter basename="/app">
          <Routes>
            <Route
              path="/login"
              element={
                <PublicOnly>
                  <SignInScreen />
                </PublicOnly>
              }
            />
            <Route
              path="/signup"
              element={
                <PublicOnly>
                  <SignUpScreen />
                </PublicOnly>
              }
            />
            <Route
              path="/reset-password"
              element={
                <PublicOnly>
                  <ForgotPasswordScreen />
                </PublicOnly>
              }
            />
            {/* Links from e-mails: they work whether or not this browser is signed in. */}
            <Route path="/invite/:token" element={<AcceptInviteScreen />} />
            <Route path="/reset-password/:token" element={<ResetPasswordScreen />} />
            <Route
              element={
                <RequireSession>
                  <AppShell />
                </RequireSession>
              }
            >
              <Route index element={<Navigate to="/inbox" replace />} />
              <Route path="/inbox" element={<InboxScreen />} />
              {/* In the main bundle: the inbox shows the same checklist while steps remain. */}
              <Route path="/get-started" element={<GetStartedScreen />} />
              <Route path="/inbox/:conversationId" element={<InboxScreen />} />
              <Route
                path="/overview"
                element={
                  <Lazy>
                    <OverviewScreen />
                  </Lazy>
                }
              />
              <Route
                path="/reports"
                element={
                  <Lazy>
                    <ReportsScreen />
                  </Lazy>
                }
              />
              <Route
                path="/visitors"
                element={
                  <Lazy>
                    <LiveVisitorsScreen />
                  </Lazy>
                }
              />
              <Route
                path="/knowledge"
                element={
                  <Lazy>
                    <KnowledgeScreen />
                  </Lazy>
                }
              />
              <Route
                path="/rules"
                element={
                  <Lazy>
                    <RulesScreen />
                  </Lazy>
                }
              />
              <Route
                path="/widgets"
                element={
                  <Lazy>
                    <WidgetsScreen />
                  </Lazy>
                }
              />
              <Route
                path="/widgets/:widgetId"
                element={
                  <Lazy>
                    <WidgetEditorScreen />
                  </Lazy>
                }
              />
              <Route
                path="/webhooks"
                element={
                  <Lazy>
                    <WebhooksScreen />
                  </Lazy>
                }
              />
              <Route
                path="/team"
                element={
                  <Lazy>
                    <TeamScreen />
                  </Lazy>
                }
              />
              <Route
                path="/audit"
                element={
                  <Lazy>
                    <AuditLogScreen />
                  </Lazy>
                }
              />
              <Route
                path="/deliveries"
                element={
                  <Lazy>
                    <DeliveriesScreen />
                  </Lazy>
                }
              />
              <Route
                path="/settings"
                element={
                  <Lazy>
                    <SettingsScreen />
                  </Lazy>
                }
              />
              <Route
                path="/settings/notifications"
                element={
                  <Lazy>
                    <NotificationsScreen />
                  </Lazy>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
        <Toaster />
      </Tooltip.Provider>
    </QueryClientProvider>
  );
}
