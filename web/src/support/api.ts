//! The support desk's routes for a signed-in user, typed from `infra/openapi.yaml`.

import { api } from "../api/client";
import type { components } from "../api/schema";
import type { Inquiry, InquiryInput } from "./inquiries";

const one = (id: string) => `/inquiries/${encodeURIComponent(id)}`;

export const supportApi = {
  list: async () => (await api.get<components["schemas"]["InquiryList"]>("/inquiries")).body.items,
  get: async (id: string) => (await api.get<Inquiry>(one(id))).body,
  file: async (body: InquiryInput) => (await api.post<Inquiry>("/inquiries", body)).body,
  reply: async (id: string, text: string) => (await api.post<Inquiry>(`${one(id)}/messages`, { text })).body,
};
