//! The notifications screen: the table from the member's settings (an offline message has
//! only e-mail), why channels cannot work here, saving their own choices or following the
//! workspace's defaults, the defaults for admins only, push in this browser (turning it on
//! subscribes with the server's key and registers the subscription; this browser marked;
//! removing it unsubscribes), other browsers removed, and "Send a test"'s refusals.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  AddPushSubscriptionResponseSchema,
  Code,
  ConnectError,
  DeletePushSubscriptionResponseSchema,
  GetMeResponseSchema,
  type GetNotificationSettingsResponse,
  GetNotificationSettingsResponseSchema,
  type PushSubscriptionSchema,
  Role,
  SendTestPushResponseSchema,
  UpdateNotificationSettingsResponseSchema,
  UpdateWorkspaceNotificationDefaultsResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { notificationClient } from "../lib/api";
import { NotificationsScreen } from "./NotificationsScreen";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const rule = (event: string, email: boolean, push: boolean, sound: boolean, desktop: boolean) => ({
  event,
  email,
  push,
  sound,
  desktop,
});

/** Porthole's defaults, as the server sends them. */
const DEFAULTS = {
  rules: [
    rule("new_conversation", false, true, true, true),
    rule("offline_message", true, true, true, true),
    rule("assigned", true, true, true, true),
    rule("visitor_message", true, true, true, true),
  ],
};

function response(
  change: {
    usesWorkspaceDefaults?: boolean;
    emailAvailable?: boolean;
    pushSubscriptions?: MessageInitShape<typeof PushSubscriptionSchema>[];
  } = {},
): GetNotificationSettingsResponse {
  return create(GetNotificationSettingsResponseSchema, {
    settings: DEFAULTS,
    usesWorkspaceDefaults: true,
    workspaceDefaults: DEFAULTS,
    emailAvailable: true,
    // An uncompressed P-256 point: 4, then 64 bytes.
    vapidPublicKey: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url"),
    pushSubscriptions: [],
    ...change,
  });
}

function renderScreen(role: Role, settings: GetNotificationSettingsResponse | ConnectError) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, { user: { id: "usr_me", email: "me@example.com" }, role }),
  );
  const get = vi.spyOn(notificationClient, "getNotificationSettings");
  if (settings instanceof ConnectError) get.mockRejectedValue(settings);
  else get.mockResolvedValue(settings);
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/settings/notifications"]}>
        <NotificationsScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { qc, get };
}

const table = (name: string) => screen.getByRole("table", { name });
const box = (t: HTMLElement, name: string) =>
  within(t).getByRole("checkbox", { name }) as HTMLInputElement;

test("the table: events with explanations, channels as checkboxes; an offline message has e-mail only", async () => {
  renderScreen(Role.AGENT, response());
  const mine = await screen.findByRole("table", { name: "Your notifications" });
  const rows = within(mine)
    .getAllByRole("rowheader")
    .map((r) => r.textContent);
  expect(rows).toEqual([
    expect.stringContaining("New conversation"),
    expect.stringContaining("Offline message"),
    expect.stringContaining("Assigned to me"),
    expect.stringContaining("Visitor message in my conversation"),
  ]);
  expect(rows[0]).toContain("A visitor starts a conversation.");
  expect(
    within(mine)
      .getAllByRole("columnheader")
      .map((h) => h.textContent),
  ).toEqual([
    "Event",
    "E-mail",
    // happy-dom has neither service workers nor the Notification API.
    "Push(unavailable here)",
    "Sound",
    "Desktop(unavailable here)",
  ]);
  expect(within(mine).getAllByRole("checkbox")).toHaveLength(13);
  expect(box(mine, "E-mail: New conversation").checked).toBe(false);
  expect(box(mine, "Push: New conversation").checked).toBe(true);
  expect(box(mine, "E-mail: Offline message").checked).toBe(true);
  expect(within(mine).queryByRole("checkbox", { name: "Push: Offline message" })).toBeNull();
  expect(mine.textContent).toContain("Push: Offline message: not used.");
  // Following the workspace's defaults; changing a box starts the member's own from them.
  const follow = screen.getByRole("switch", { name: /Use the workspace's defaults/ });
  expect(follow.getAttribute("aria-checked")).toBe("true");
  fireEvent.click(box(mine, "Sound: Assigned to me"));
  expect(follow.getAttribute("aria-checked")).toBe("false");
  expect(box(mine, "Sound: Assigned to me").checked).toBe(false);
  expect(box(mine, "Sound: Visitor message in my conversation").checked).toBe(true);
  expect((screen.getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(false);
  expect(
    screen.getByText("E-mail and push are sent only while no Porthole dashboard of yours is open."),
  ).toBeTruthy();
  // Agents do not see the workspace's defaults.
  expect(screen.queryByRole("table", { name: "Workspace defaults" })).toBeNull();
});

test("channels that cannot work here say why (e-mail without SMTP; push and desktop in this browser)", async () => {
  renderScreen(Role.AGENT, response({ emailAvailable: false }));
  const mine = await screen.findByRole("table", { name: "Your notifications" });
  const notes = screen.getByRole("list", { name: "Notes on your channels" });
  expect(notes.textContent).toContain(
    "E-mail: This server does not send e-mail (its operator has not set PORTHOLE_SMTP_URL).",
  );
  // happy-dom has neither service workers nor the Notification API.
  expect(notes.textContent).toContain("Push: This browser cannot receive push notifications");
  expect(notes.textContent).toContain("Desktop: This browser cannot show desktop notifications.");
  const headers = within(mine)
    .getAllByRole("columnheader")
    .map((h) => h.textContent);
  expect(headers).toEqual([
    "Event",
    "E-mail(unavailable here)",
    "Push(unavailable here)",
    "Sound",
    "Desktop(unavailable here)",
  ]);
  // Still editable: the choices apply to other browsers, and to e-mail once it is set up.
  expect(box(mine, "E-mail: Assigned to me").disabled).toBe(false);
  expect(box(mine, "Push: Assigned to me").disabled).toBe(false);
  expect(
    screen.getByText(/This browser cannot receive push notifications: it has no/),
  ).toBeTruthy();
});

test("choosing one's own, saving; then following the workspace's defaults again", async () => {
  const { qc } = renderScreen(Role.AGENT, response());
  const update = vi
    .spyOn(notificationClient, "updateNotificationSettings")
    .mockResolvedValueOnce(
      create(UpdateNotificationSettingsResponseSchema, {
        settings: {
          rules: [...DEFAULTS.rules.slice(0, 3), rule("visitor_message", false, true, true, true)],
        },
      }),
    )
    .mockResolvedValueOnce(
      create(UpdateNotificationSettingsResponseSchema, { settings: DEFAULTS }),
    );
  const mine = await screen.findByRole("table", { name: "Your notifications" });
  const save = screen.getByRole("button", { name: "Save" }) as HTMLButtonElement;
  expect(save.disabled).toBe(true);

  const follow = screen.getByRole("switch", { name: /Use the workspace's defaults/ });
  fireEvent.click(follow);
  expect(follow.getAttribute("aria-checked")).toBe("false");
  fireEvent.click(box(mine, "E-mail: Visitor message in my conversation"));
  expect(box(mine, "E-mail: Visitor message in my conversation").checked).toBe(false);
  expect(save.disabled).toBe(false);
  fireEvent.click(save);
  await waitFor(() => expect(save.disabled).toBe(true));
  expect(update).toHaveBeenLastCalledWith({
    settings: {
      rules: [...DEFAULTS.rules.slice(0, 3), rule("visitor_message", false, true, true, true)],
    },
  });
  const held = qc.getQueryData<GetNotificationSettingsResponse>(keys.notificationSettings);
  expect(held?.usesWorkspaceDefaults).toBe(false);
  expect(held?.settings?.rules[3]?.email).toBe(false);
  expect(box(mine, "E-mail: Visitor message in my conversation").checked).toBe(false);

  // Back to the defaults: the table shows them again.
  fireEvent.click(follow);
  expect(box(mine, "E-mail: Visitor message in my conversation").checked).toBe(true);
  fireEvent.click(save);
  await waitFor(() => expect(update).toHaveBeenCalledTimes(2));
  expect(update).toHaveBeenLastCalledWith({ useWorkspaceDefaults: true });
  await waitFor(() =>
    expect(
      qc.getQueryData<GetNotificationSettingsResponse>(keys.notificationSettings)
        ?.usesWorkspaceDefaults,
    ).toBe(true),
  );
});

test("a refused save says why, and Discard goes back to what is saved", async () => {
  renderScreen(Role.AGENT, response({ usesWorkspaceDefaults: false }));
  vi.spyOn(notificationClient, "updateNotificationSettings").mockRejectedValue(
    new ConnectError("the server is busy", Code.Unavailable),
  );
  const mine = await screen.findByRole("table", { name: "Your notifications" });
  fireEvent.click(box(mine, "Desktop: Assigned to me"));
  fireEvent.click(screen.getByRole("button", { name: "Save" }));
  expect((await screen.findByRole("alert")).textContent).toBe(
    "The server cannot be reached. Try again in a moment.",
  );
  fireEvent.click(screen.getByRole("button", { name: "Discard changes" }));
  expect(box(mine, "Desktop: Assigned to me").checked).toBe(true);
  expect(screen.queryByRole("alert")).toBeNull();
});

test("owners and admins edit the workspace's defaults; members following them see the change", async () => {
  const { qc } = renderScreen(Role.ADMIN, response());
  const changed = {
    rules: [rule("new_conversation", true, true, true, true), ...DEFAULTS.rules.slice(1)],
  };
  const update = vi
    .spyOn(notificationClient, "updateWorkspaceNotificationDefaults")
    .mockResolvedValue(
      create(UpdateWorkspaceNotificationDefaultsResponseSchema, { settings: changed }),
    );
  const defaults = await screen.findByRole("table", { name: "Workspace defaults" });
  fireEvent.click(box(defaults, "E-mail: New conversation"));
  fireEvent.click(screen.getByRole("button", { name: "Save defaults" }));
  await waitFor(() => expect(update).toHaveBeenCalledWith({ settings: changed }));
  await waitFor(() =>
    expect(box(table("Your notifications"), "E-mail: New conversation").checked).toBe(true),
  );
  const held = qc.getQueryData<GetNotificationSettingsResponse>(keys.notificationSettings);
  expect(held?.workspaceDefaults?.rules[0]?.email).toBe(true);
  expect(held?.settings?.rules[0]?.email).toBe(true);
});

/** A browser with service workers, the Push API and notifications (the person says yes). */
function stubPushBrowser() {
  const endpoint = "https://push.example.net/send/abc";
  let current: PushSubscription | null = null;
  const unsubscribe = vi.fn(async () => {
    current = null;
    return true;
  });
  const made = {
    endpoint,
    options: { applicationServerKey: null },
    toJSON: () => ({ endpoint, keys: { p256dh: "BPUBLIC", auth: "AUTH" } }),
    unsubscribe,
  } as unknown as PushSubscription;
  const subscribe = vi.fn(async () => {
    current = made;
    return made;
  });
  const pushManager = { getSubscription: async () => current, subscribe };
  const registration = { pushManager };
  const register = vi.fn(async () => registration);
  vi.stubGlobal("PushManager", class {});
  vi.stubGlobal(
    "Notification",
    Object.assign(class {}, {
      permission: "default",
      requestPermission: vi.fn(async () => "granted"),
    }),
  );
  Object.defineProperty(navigator, "serviceWorker", {
    configurable: true,
    value: {
      register,
      ready: Promise.resolve(registration),
      getRegistration: async () => (current ? registration : undefined),
      addEventListener: () => {},
      removeEventListener: () => {},
      startMessages: () => {},
    },
  });
  return { register, subscribe, unsubscribe, endpoint };
}

test("push in this browser: turned on with the server's key, marked in the list, turned off", async () => {
  const browser = stubPushBrowser();
  const settings = response();
  const added = create(AddPushSubscriptionResponseSchema, {
    subscription: {
      id: "psh_here",
      label: "Chrome on Linux",
      pushService: "push.example.net",
      createTime: timestampFromMs(Date.now()),
    },
  });
  const add = vi.spyOn(notificationClient, "addPushSubscription").mockResolvedValue(added);
  const { get } = renderScreen(Role.AGENT, settings);
  await screen.findByText("Push is off in this browser.");
  expect(screen.getByText("None yet.")).toBeTruthy();
  // After registering, the list is read again: the server lists this browser.
  get.mockResolvedValue(
    response({ pushSubscriptions: added.subscription ? [added.subscription] : [] }),
  );

  fireEvent.click(screen.getByRole("button", { name: "Turn on push in this browser" }));
  await screen.findByText("Push is on in this browser.");
  // The dashboard's base (`/app/` when built; vitest runs at `/`).
  const base = import.meta.env.BASE_URL;
  expect(browser.register).toHaveBeenCalledWith(`${base}sw.js`, { scope: base });
  const [options] = browser.subscribe.mock.calls[0] as unknown as [PushSubscriptionOptionsInit];
  expect(options.userVisibleOnly).toBe(true);
  const key = options.applicationServerKey as Uint8Array;
  expect(key.length).toBe(65);
  expect(key[0]).toBe(4);
  expect(add).toHaveBeenCalledWith({
    endpoint: browser.endpoint,
    p256dh: "BPUBLIC",
    auth: "AUTH",
    label: expect.any(String),
  });
  const list = await screen.findByRole("list", { name: "Your browsers" });
  const item = within(list).getByRole("listitem");
  expect(item.textContent).toContain("Chrome on Linux");
  expect(item.textContent).toContain("This browser");
  expect(item.textContent).toContain("via push.example.net");

  const remove = vi
    .spyOn(notificationClient, "deletePushSubscription")
    .mockResolvedValue(create(DeletePushSubscriptionResponseSchema, {}));
  get.mockResolvedValue(response());
  fireEvent.click(screen.getByRole("button", { name: "Turn off in this browser" }));
  await screen.findByText("Push is off in this browser.");
  expect(remove).toHaveBeenCalledWith({ subscriptionId: "psh_here" });
  expect(browser.unsubscribe).toHaveBeenCalled();
  expect(screen.getByText("None yet.")).toBeTruthy();
});

test("push refused by the person: said, and nothing registered", async () => {
  stubPushBrowser();
  vi.stubGlobal(
    "Notification",
    Object.assign(class {}, { permission: "default", requestPermission: async () => "denied" }),
  );
  const add = vi.spyOn(notificationClient, "addPushSubscription");
  renderScreen(Role.AGENT, response());
  fireEvent.click(await screen.findByRole("button", { name: "Turn on push in this browser" }));
  expect((await screen.findByRole("alert")).textContent).toContain(
    "Notifications are blocked for Porthole in this browser's site settings",
  );
  expect(add).not.toHaveBeenCalled();
});

test("other browsers: removed from the list; Send a test and the server's refusals", async () => {
  const other = {
    id: "psh_phone",
    label: "Safari on iPhone",
    pushService: "web.push.apple.com",
    createTime: timestampFromMs(Date.now() - 3 * 3600_000),
  };
  renderScreen(Role.AGENT, response({ pushSubscriptions: [other] }));
  const send = vi
    .spyOn(notificationClient, "sendTestPush")
    .mockRejectedValueOnce(
      new ConnectError(
        "no browser of yours receives pushes; turn them on first",
        Code.FailedPrecondition,
      ),
    )
    .mockRejectedValueOnce(new ConnectError("too many test sends", Code.ResourceExhausted))
    .mockResolvedValue(create(SendTestPushResponseSchema, { browsers: 1 }));
  const list = await screen.findByRole("list", { name: "Your browsers" });
  expect(list.textContent).toContain("Safari on iPhone");
  expect(list.textContent).toContain("via web.push.apple.com");
  expect(list.textContent).toContain("added 3h ago");
  expect(list.textContent).not.toContain("This browser");

  const test = screen.getByRole("button", { name: "Send a test" });
  fireEvent.click(test);
  expect((await screen.findByRole("alert")).textContent).toBe(
    "no browser of yours receives pushes; turn them on first",
  );
  fireEvent.click(test);
  await waitFor(() =>
    expect(screen.getByRole("alert").textContent).toBe(
      "Too many requests — try again in a moment.",
    ),
  );
  fireEvent.click(test);
  await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  expect(send).toHaveBeenCalledTimes(3);

  const remove = vi
    .spyOn(notificationClient, "deletePushSubscription")
    .mockRejectedValue(new ConnectError("push subscription not found", Code.NotFound));
  fireEvent.click(screen.getByRole("button", { name: "Remove Safari on iPhone" }));
  // Already gone on the server: as good as removed.
  await screen.findByText("None yet.");
  expect(remove).toHaveBeenCalledWith({ subscriptionId: "psh_phone" });
  expect((screen.getByRole("button", { name: "Send a test" }) as HTMLButtonElement).disabled).toBe(
    true,
  );
});

test("settings that cannot be loaded say so", async () => {
  renderScreen(Role.AGENT, new ConnectError("down", Code.Unavailable));
  expect((await screen.findByRole("alert")).textContent).toContain(
    "Your notification settings could not be loaded.",
  );
});
