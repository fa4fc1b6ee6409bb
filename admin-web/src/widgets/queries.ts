//! Widget queries and the cache updates after widget mutations.

import type { Widget } from "@porthole/client";
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { widgetClient } from "../lib/api";

export function useWidgets() {
  return useQuery({ queryKey: keys.widgets, queryFn: () => widgetClient.listWidgets({}) });
}

export function useWidget(id: string) {
  return useQuery({
    queryKey: keys.widget(id),
    queryFn: async () => (await widgetClient.getWidget({ widgetId: id })).widget,
  });
}

/** After a widget was created or changed: its copy, the list, and the checklist's steps. */
export function storeWidget(qc: QueryClient, widget: Widget | undefined): void {
  if (!widget) return;
  qc.setQueryData(keys.widget(widget.id), widget);
  void qc.invalidateQueries({ queryKey: keys.widgets });
  void qc.invalidateQueries({ queryKey: keys.setupProgress });
}
