//! The Porthole mark and word.

export function LogoMark({ className = "size-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden>
      <rect width="32" height="32" rx="8" className="fill-brand-600" />
      <circle cx="16" cy="16" r="9" fill="none" stroke="#fff" strokeWidth="3" />
      <circle cx="16" cy="16" r="3.5" fill="#fff" />
    </svg>
  );
}

export function Logo() {
  return (
    <span className="inline-flex items-center gap-2 text-[15px] font-semibold tracking-tight">
      <LogoMark />
      Porthole
    </span>
  );
}
