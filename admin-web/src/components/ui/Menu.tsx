//! Dropdown menus (Radix DropdownMenu) styled for the dashboard.

import * as Menu from "@radix-ui/react-dropdown-menu";
import { Check } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export const MenuRoot = Menu.Root;
export const MenuTrigger = Menu.Trigger;

export function MenuContent({
  children,
  align = "start",
  className,
}: {
  children: ReactNode;
  align?: "start" | "end" | "center";
  className?: string;
}) {
  return (
    <Menu.Portal>
      <Menu.Content
        align={align}
        sideOffset={6}
        className={cn(
          "z-50 max-h-[var(--radix-dropdown-menu-content-available-height)] min-w-48 overflow-y-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-zinc-950/10 animate-pop-in dark:bg-zinc-900 dark:ring-white/10",
          className,
        )}
      >
        {children}
      </Menu.Content>
    </Menu.Portal>
  );
}

const item =
  "flex cursor-default items-center gap-2 rounded-md px-2 py-1.5 text-[13px] text-zinc-700 outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-zinc-100 data-[highlighted]:text-zinc-900 dark:text-zinc-300 dark:data-[highlighted]:bg-zinc-800 dark:data-[highlighted]:text-zinc-100";

export function MenuItem({
  children,
  onSelect,
  danger,
  disabled,
}: {
  children: ReactNode;
  onSelect?: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  return (
    <Menu.Item
      className={cn(
        item,
        danger && "text-red-600 data-[highlighted]:text-red-700 dark:text-red-400",
      )}
      onSelect={onSelect}
      disabled={disabled}
    >
      {children}
    </Menu.Item>
  );
}

export function MenuCheckItem({
  children,
  checked,
  onSelect,
}: {
  children: ReactNode;
  checked: boolean;
  onSelect: () => void;
}) {
  return (
    <Menu.CheckboxItem className={cn(item, "pl-7")} checked={checked} onSelect={onSelect}>
      <Menu.ItemIndicator className="absolute left-2 -ml-px">
        <Check className="size-3.5" />
      </Menu.ItemIndicator>
      {children}
    </Menu.CheckboxItem>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return (
    <Menu.Label className="px-2 pt-1.5 pb-1 text-[11px] font-semibold tracking-wide text-zinc-400 uppercase">
      {children}
    </Menu.Label>
  );
}

export function MenuSeparator() {
  return <Menu.Separator className="my-1 h-px bg-zinc-100 dark:bg-zinc-800" />;
}
