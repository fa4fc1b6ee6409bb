//! A visitor's profile after a `visitorChanged` feed event: the event carries only what
//! changed, applied here to the profile the dashboard already holds.

import type { VisitorChange, VisitorProfile } from "@porthole/client";

/**
 * `profile` with the fields `change` sets; fields it leaves unset keep their value. The
 * attributes are replaced as a whole (the event carries the whole new set, so a removed
 * attribute goes).
 */
export function applyVisitorChange(profile: VisitorProfile, change: VisitorChange): VisitorProfile {
  return {
    ...profile,
    name: change.name ?? profile.name,
    email: change.email ?? profile.email,
    verified: change.verified ?? profile.verified,
    externalId: change.externalId ?? profile.externalId,
    attributes: change.attributes ? { ...change.attributes.values } : profile.attributes,
    currentUrl: change.currentUrl ?? profile.currentUrl,
    currentTitle: change.currentTitle ?? profile.currentTitle,
    referrer: change.referrer ?? profile.referrer,
    browser: change.browser ?? profile.browser,
    os: change.os ?? profile.os,
    language: change.language ?? profile.language,
    timeZone: change.timeZone ?? profile.timeZone,
    ipAddress: change.ipAddress ?? profile.ipAddress,
    online: change.online ?? profile.online,
    lastSeenTime: change.lastSeenTime ?? profile.lastSeenTime,
    pageViews: change.pageViews ?? profile.pageViews,
    visitStartTime: change.visitStartTime ?? profile.visitStartTime,
    countryCode: change.countryCode ?? profile.countryCode,
    city: change.city ?? profile.city,
  };
}

/**
 * Whether the change is the visitor's activity (they came or left, opened a page, were
 * seen): what puts them at the top of the live list, which lists the most recently active
 * first. A profile edit alone (name, attributes) is not.
 */
export function isActivity(change: VisitorChange): boolean {
  return (
    change.online !== undefined ||
    change.currentUrl !== undefined ||
    change.currentTitle !== undefined ||
    change.lastSeenTime !== undefined
  );
}
