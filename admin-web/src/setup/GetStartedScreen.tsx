//! "Get started" (`/get-started`): the first-run checklist as a page, for owners and admins
//! led here by the navigation, the inbox and the account menu (agents may open it too, and
//! see who does the owners' steps).

import { SetupGuide } from "./SetupGuide";

export function GetStartedScreen() {
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-3xl px-4 pt-8 pb-10 sm:px-8">
        <SetupGuide variant="page" />
      </div>
    </div>
  );
}
