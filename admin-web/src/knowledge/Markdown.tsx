//! An article's Markdown drawn as React elements (the editor's preview and the reader), from
//! `markdown.ts`'s blocks: no HTML is ever injected, links open in a new tab.

import type { ReactNode } from "react";
import { cn } from "../components/ui/cn";
import { type Block, type Inline, parseMarkdown } from "./markdown";

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div
      className={cn(
        "space-y-3 text-[14px] leading-relaxed break-words text-zinc-800 dark:text-zinc-200",
        className,
      )}
    >
      {parseMarkdown(text).map((block, i) => (
        // Blocks have no identity of their own; the preview redraws them as typed.
        // biome-ignore lint/suspicious/noArrayIndexKey: position is the block's identity
        <BlockView key={i} block={block} />
      ))}
    </div>
  );
}

const headingSizes = ["text-lg", "text-base", "text-[15px]", "text-sm", "text-sm", "text-sm"];

function BlockView({ block }: { block: Block }): ReactNode {
  switch (block.type) {
    case "heading": {
      const Tag = `h${Math.min(block.level + 1, 6)}` as "h2";
      return (
        <Tag
          className={cn(
            "font-semibold tracking-tight text-zinc-900 dark:text-zinc-50",
            headingSizes[block.level - 1],
          )}
        >
          <InlineView content={block.content} />
        </Tag>
      );
    }
    case "paragraph":
      return (
        <p>
          {block.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <span key={i}>
              {i > 0 && <br />}
              <InlineView content={line} />
            </span>
          ))}
        </p>
      );
    case "list": {
      const items = block.items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items are positional
        <li key={i}>
          <InlineView content={item} />
        </li>
      ));
      return block.ordered ? (
        <ol start={block.start} className="list-decimal space-y-1 pl-5">
          {items}
        </ol>
      ) : (
        <ul className="list-disc space-y-1 pl-5">{items}</ul>
      );
    }
    case "quote":
      return (
        <blockquote className="space-y-2 border-l-2 border-zinc-300 pl-3 text-zinc-600 dark:border-zinc-600 dark:text-zinc-400">
          {block.blocks.map((inner, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: blocks are positional
            <BlockView key={i} block={inner} />
          ))}
        </blockquote>
      );
    case "code":
      return (
        <pre className="overflow-x-auto rounded-lg bg-zinc-100 px-3 py-2 font-mono text-[12px] leading-normal dark:bg-zinc-800">
          <code>{block.text}</code>
        </pre>
      );
    case "rule":
      return <hr className="border-zinc-200 dark:border-zinc-700" />;
  }
}

function InlineView({ content }: { content: readonly Inline[] }): ReactNode {
  return content.map((node, i) => {
    switch (node.type) {
      case "text":
        // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
        return <span key={i}>{node.text}</span>;
      case "code":
        return (
          <code
            // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
            key={i}
            className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800"
          >
            {node.text}
          </code>
        );
      case "strong":
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
          <strong key={i} className="font-semibold">
            <InlineView content={node.children} />
          </strong>
        );
      case "em":
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
          <em key={i}>
            <InlineView content={node.children} />
          </em>
        );
      case "del":
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
          <del key={i}>
            <InlineView content={node.children} />
          </del>
        );
      case "link":
        return (
          <a
            // biome-ignore lint/suspicious/noArrayIndexKey: inline runs are positional
            key={i}
            href={node.href}
            target="_blank"
            rel="noopener noreferrer"
            className="font-medium text-brand-600 underline decoration-brand-600/30 underline-offset-2 hover:decoration-brand-600 dark:text-brand-400 dark:decoration-brand-400/40"
          >
            <InlineView content={node.children} />
          </a>
        );
    }
    return null;
  });
}
