//! The service desk's routes every screen may call: the public status (no token, for the
//! sign-in page) and the announcements meant for the signed-in user's company.

import { api } from "../api/client";
import type { components } from "../api/schema";
import type { Announcement, ServiceStatus } from "./announce";

export const deskApi = {
  status: async () => (await api.anonymousGet<ServiceStatus>("/status")).body,
  announcements: async (): Promise<Announcement[]> => (await api.get<components["schemas"]["AnnouncementList"]>("/announcements")).body.items,
};
