//! The workspace's widgets: one card each with its state and token, and a dialog to create
//! one (opened at once by `?new=1`), which then opens the new widget's Install section.
//! Below them, the AI bot's card (`bot/BotStatusCard.tsx`): its model, usage and failures.

import { HandlerType, type Widget } from "@porthole/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Blocks, ChevronRight, Plus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { BotStatusCard } from "../bot/BotStatusCard";
import { Button } from "../components/ui/Button";
import { Dialog } from "../components/ui/Dialog";
import { Field, FormAlert, Input } from "../components/ui/Field";
import { Badge, EmptyState, Spinner } from "../components/ui/misc";
import { widgetClient } from "../lib/api";
import { formErrors } from "../lib/errors";
import { ago } from "../lib/format";
import { PageHeader } from "../shell/PageHeader";
import { storeWidget, useWidgets } from "./queries";

export function WidgetsScreen() {
  const widgets = useWidgets();
  // `?new=1` (the empty inbox's "Create your widget") opens the dialog at once.
  const [params, setParams] = useSearchParams();
  const [creating, setCreatingState] = useState(() => params.get("new") === "1");
  const setCreating = (open: boolean) => {
    setCreatingState(open);
    if (!open && params.has("new")) setParams({}, { replace: true });
  };
  return (
    <div className="h-full overflow-y-auto">
      <PageHeader
        title="Widgets"
        description="One widget per website or brand. Each has its own look, hours and embed snippet."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus className="size-4" /> New widget
          </Button>
        }
      />
      <div className="mx-auto max-w-4xl space-y-6 px-4 pb-10 sm:px-8">
        {widgets.isPending ? (
          <div className="flex justify-center py-16">
            <Spinner className="size-5" />
          </div>
        ) : widgets.data?.widgets.length ? (
          <ul className="divide-y divide-zinc-100 overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
            {widgets.data.widgets.map((w) => (
              <WidgetRow key={w.id} widget={w} />
            ))}
          </ul>
        ) : (
          <EmptyState icon={<Blocks className="size-5" />} title="No widgets yet">
            Create one, paste its snippet into your site, and chats start arriving in the inbox.
            <div className="mt-4">
              <Button variant="primary" onClick={() => setCreating(true)}>
                <Plus className="size-4" /> New widget
              </Button>
            </div>
          </EmptyState>
        )}
        <BotStatusCard widgets={widgets.data?.widgets ?? []} />
      </div>
      <CreateWidgetDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}

function WidgetRow({ widget: w }: { widget: Widget }) {
  const color = w.settings?.appearance?.primaryColor || "#1f6feb";
  return (
    <li>
      <Link
        to={`/widgets/${w.id}`}
        className="flex items-center gap-4 bg-white px-5 py-4 hover:bg-zinc-50 dark:bg-zinc-900 dark:hover:bg-zinc-800/60"
      >
        <span
          className="flex size-10 items-center justify-center rounded-full shadow-sm"
          style={{ background: color }}
        >
          <span className="size-3.5 rounded-full border-2 border-white" />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <span className="truncate text-sm font-medium">{w.name}</span>
            {w.active ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}
            {w.settings?.handlerType === HandlerType.AI_BOT && <Badge tone="brand">AI bot</Badge>}
            {w.settings?.handlerType === HandlerType.HYBRID && <Badge tone="brand">Hybrid</Badge>}
          </div>
          <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
            {w.settings?.allowedDomains.length
              ? w.settings.allowedDomains.join(", ")
              : "Any website"}{" "}
            · updated {ago(w.updateTime)}
          </p>
        </div>
        <ChevronRight className="size-4 text-zinc-400" />
      </Link>
    </li>
  );
}

function CreateWidgetDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [domain, setDomain] = useState("");
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form?: string }>({
    fields: {},
  });
  const create = useMutation({
    mutationFn: () =>
      widgetClient.createWidget({
        name,
        settings: { allowedDomains: domain.trim() ? [domain.trim()] : [] },
      }),
    onSuccess: (res) => {
      storeWidget(qc, res.widget);
      onOpenChange(false);
      setName("");
      setDomain("");
      // Straight to the snippet: installing it is what makes the widget useful.
      if (res.widget)
        navigate(`/widgets/${res.widget.id}?section=install`, { state: { created: true } });
    },
    onError: (e) => setErrors(formErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({ fields: {} });
    create.mutate();
  };
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="New widget"
      description="You can change everything later."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field
          label="Name"
          hint="Only your team sees it, e.g. “Main site”."
          error={errors.fields.name}
        >
          {(p) => <Input {...p} autoFocus value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field
          label="Website domain (optional)"
          hint="Only pages on this domain may show the widget. Leave empty to allow any site."
          error={
            errors.fields["settings.allowed_domains[0]"] ??
            errors.fields["settings.allowed_domains"]
          }
        >
          {(p) => (
            <Input
              {...p}
              placeholder="example.com"
              value={domain}
              onChange={(e) => setDomain(e.target.value)}
            />
          )}
        </Field>
        <FormAlert>{errors.form}</FormAlert>
        <div className="flex justify-end gap-2">
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            Create widget
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
