//! The workspace's rules, for the Rules page. Rules are not in the workspace feed: what this
//! browser changes is written into the cache at once (`storeRule`, `forgetRule`), other
//! browsers' changes show within a minute or on the next visit.

import type { ListRulesResponse, Rule } from "@porthole/client";
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { ruleClient } from "../lib/api";

/** Every rule of the workspace, in the order they run (any member may list). */
export function useRules() {
  return useQuery({
    queryKey: keys.rules,
    queryFn: ({ signal }) => ruleClient.listRules({}, { signal }),
    staleTime: 60_000,
    select: (data) => data.rules,
  });
}

/** The server's copy of a created or changed rule, in its place (a new one runs last). */
export function storeRule(qc: QueryClient, rule: Rule | undefined): void {
  if (!rule) return;
  qc.setQueryData<ListRulesResponse>(keys.rules, (data) => {
    if (!data) return data;
    const at = data.rules.findIndex((r) => r.id === rule.id);
    const rules =
      at >= 0 ? data.rules.map((r) => (r.id === rule.id ? rule : r)) : [...data.rules, rule];
    return { ...data, rules };
  });
  void qc.invalidateQueries({ queryKey: keys.rules });
}

/** A deleted rule leaves the list. */
export function forgetRule(qc: QueryClient, ruleId: string): void {
  qc.setQueryData<ListRulesResponse>(keys.rules, (data) =>
    data ? { ...data, rules: data.rules.filter((r) => r.id !== ruleId) } : data,
  );
  void qc.invalidateQueries({ queryKey: keys.rules });
}
