//! Shown for an unknown dashboard path.

import { Link } from "react-router";
import { EmptyState } from "../components/ui/misc";

export function NotFound() {
  return (
    <EmptyState title="Nothing here" className="h-full">
      <Link to="/inbox" className="font-medium text-brand-600">
        Back to the inbox
      </Link>
    </EmptyState>
  );
}
