//! The visitor panel's privacy actions, for owners and admins: export everything stored
//! about the visitor as a JSON file (ExportVisitorData), and erase them for good
//! (EraseVisitor) after typing ERASE. Both are recorded in the audit log. After an erasure
//! the conversation closes and the visitor leaves the cache (cache.ts), as it does for
//! teammates when the feed's `visitorErased` event reaches them.

import type { VisitorProfile } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Download, Trash2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { Button } from "../components/ui/Button";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { toast } from "../components/ui/Toast";
import { conversationClient } from "../lib/api";
import { downloadText } from "../lib/download";
import { describeError } from "../lib/errors";
import { removeVisitor } from "./cache";
import { erasingHere } from "./FeedProvider";

/** What the agent types to confirm an erasure. */
export const ERASE_CONFIRMATION = "ERASE";

export function VisitorPrivacy({ visitor, name }: { visitor: VisitorProfile; name: string }) {
  const [erasing, setErasing] = useState(false);
  const exportData = useMutation({
    mutationFn: () => conversationClient.exportVisitorData({ visitorId: visitor.id }),
    onSuccess: (res) => {
      const fileName = res.fileName || `visitor-${visitor.id}.json`;
      downloadText(fileName, res.json);
      toast("Data exported", { description: `Saved as ${fileName}.` });
    },
  });
  return (
    <div>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        For a visitor asking for their data or its deletion. Both are recorded in the audit log.
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button size="sm" loading={exportData.isPending} onClick={() => exportData.mutate()}>
          {!exportData.isPending && <Download className="size-3.5" />} Export data
        </Button>
        <Button size="sm" variant="danger-ghost" onClick={() => setErasing(true)}>
          <Trash2 className="size-3.5" /> Erase visitor…
        </Button>
      </div>
      {exportData.isError && (
        <div className="mt-2">
          <FormAlert>
            <span className="font-medium">The data could not be exported.</span>{" "}
            {describeError(exportData.error)}
          </FormAlert>
        </div>
      )}
      <EraseVisitorDialog open={erasing} onOpenChange={setErasing} visitor={visitor} name={name} />
    </div>
  );
}

function EraseVisitorDialog({
  open,
  onOpenChange,
  visitor,
  name,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  visitor: VisitorProfile;
  name: string;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [typed, setTyped] = useState("");
  const erase = useMutation({
    mutationFn: () => {
      erasingHere.add(visitor.id);
      return conversationClient.eraseVisitor({ visitorId: visitor.id });
    },
    onSuccess: (res) => {
      onOpenChange(false);
      // Replaced, so Back does not lead to a conversation that no longer exists.
      navigate({ pathname: "/inbox", search: location.search }, { replace: true });
      removeVisitor(qc, visitor.id);
      toast("Visitor erased", {
        description: `${name} and ${conversationsText(res.conversations)} were deleted.`,
      });
    },
    onError: () => {
      erasingHere.delete(visitor.id);
    },
  });
  const confirmed = typed.trim() === ERASE_CONFIRMATION;
  const close = (next: boolean) => {
    if (erase.isPending) return;
    onOpenChange(next);
    if (!next) {
      setTyped("");
      erase.reset();
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (confirmed) erase.mutate();
  };
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={`Erase ${name}?`}
      description="This cannot be undone."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <div className="space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
          <p>Porthole deletes, for good:</p>
          <ul className="list-disc space-y-0.5 pl-5">
            <li>their profile, attributes and the pages they viewed;</li>
            <li>all their conversations, with every message, note and file.</li>
          </ul>
          <p className="text-zinc-500 dark:text-zinc-400">
            If they asked for a copy, export their data first. The audit log keeps only that{" "}
            <span className="font-mono text-xs">{visitor.id}</span> was erased, and by whom.
          </p>
        </div>
        <Field label={`Type ${ERASE_CONFIRMATION} to confirm`}>
          {(p) => (
            <Input
              {...p}
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          )}
        </Field>
        {erase.isError && (
          <FormAlert>
            <span className="font-medium">The visitor was not erased.</span>{" "}
            {describeError(erase.error)}
          </FormAlert>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={() => close(false)} disabled={erase.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!confirmed} loading={erase.isPending}>
            {!erase.isPending && <Trash2 className="size-3.5" />} Erase for good
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function conversationsText(count: number): string {
  return count === 1 ? "1 conversation" : `${count} conversations`;
}
