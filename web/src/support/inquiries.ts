//! Inquiries as the support screens list and send them: the categories and severities in the
//! order the form offers them, the list order (the latest activity first, closed ones last),
//! the reply due time as a moment, and the body of `POST /inquiries` from the form.

import type { components } from "../api/schema";

type Schemas = components["schemas"];
export type Inquiry = Schemas["Inquiry"];
export type InquiryInput = Schemas["InquiryInput"];
export type Category = Schemas["Category"];
export type Severity = Schemas["Severity"];
export type InquiryStatus = Schemas["Status2"];
export type Message = Schemas["Message"];

/** The form's order: the most asked first, "other" last. */
export const CATEGORIES: readonly Category[] = ["usage", "calculation", "drawings", "account", "billing", "defect", "other"];
export const SEVERITIES: readonly Severity[] = ["low", "normal", "high", "critical"];

/** The list's order: open and answered ones by their latest activity, newest first; closed ones after them. */
export function sortInquiries(items: readonly Inquiry[]): Inquiry[] {
  const closed = (i: Inquiry) => (i.status === "closed" ? 1 : 0);
  return [...items].sort((a, b) => closed(a) - closed(b) || b.updated_at - a.updated_at || b.created_at - a.created_at || a.id.localeCompare(b.id));
}

/** When the reply is due (ms since the epoch), or `null` when none is awaited. */
export function dueAt(i: Pick<Inquiry, "reply_due_at">): number | null {
  if (!i.reply_due_at) return null;
  const ms = Date.parse(i.reply_due_at);
  return Number.isFinite(ms) ? ms : null;
}

/** The form as typed. */
export interface InquiryForm {
  category: Category;
  severity: Severity;
  subject: string;
  text: string;
  /** `""`: no project. */
  projectId: string;
}

export const emptyForm: InquiryForm = { category: "usage", severity: "normal", subject: "", text: "", projectId: "" };

/** The body of `POST /inquiries`: subject and text trimmed (the API judges them empty or long), no project as `null`. */
export function inquiryBody(f: InquiryForm): InquiryInput {
  return { category: f.category, severity: f.severity, subject: f.subject.trim(), text: f.text.trim(), project_id: f.projectId || null };
}
