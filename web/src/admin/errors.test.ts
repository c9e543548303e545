import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { adminError, adminFieldErrors } from "./errors";
import { adminTexts } from "./text";
import { dictionaries } from "../i18n/dict";

const refused = (status: number, code: string, errors: ApiError["problem"]["errors"] = []) =>
  new ApiError({ status, code, detail: "English detail", errors });

describe("the administration API's refusals in words", () => {
  it("409 last_full_admin says why and what to do, in Japanese", () => {
    const m = adminError(refused(409, "last_full_admin"), dictionaries.ja, adminTexts.ja);
    expect(m).toContain("最後の管理者");
    expect(m).toContain("別のユーザーを管理者に");
  });
  it("an unknown code falls back to the API's detail", () => {
    expect(adminError(refused(418, "teapot"), dictionaries.en, adminTexts.en)).toBe("English detail");
  });
});

describe("field messages beside their fields", () => {
  const e = refused(400, "invalid_request", [
    { pointer: "/ip_allow_list/2", code: "invalid_cidr", message: "`x` is not an IPv4 or IPv6 network" },
    { pointer: "/lockout_threshold", code: "out_of_range", message: "3–20 failures" },
    { parameter: "from", code: "invalid_value", message: "a date as YYYY-MM-DD" },
    { pointer: "/name", code: "something_new", message: "English only" },
    { pointer: "/email", code: "invalid_value", message: "en", message_ja: "API の日本語" },
  ]);
  it("Japanese: this screen's words for a known pointer and code (an index kept on the key), the API's Japanese first", () => {
    const f = adminFieldErrors(e, "ja", adminTexts.ja);
    expect(f.get("/ip_allow_list/2")).toContain("IPv4 または IPv6");
    expect(f.get("/lockout_threshold")).toBe("3〜20 回の範囲で指定してください。");
    expect(f.get("from")).toContain("366 日");
    expect(f.get("/name")).toBe("English only");
    expect(f.get("/email")).toBe("API の日本語");
  });
  it("English: the API's own messages", () => {
    const f = adminFieldErrors(e, "en", adminTexts.en);
    expect(f.get("/lockout_threshold")).toBe("3–20 failures");
    expect(f.get("from")).toBe("a date as YYYY-MM-DD");
  });
});
