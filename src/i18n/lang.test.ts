// Which language lookback speaks: --lang, else LOOKBACK_LANG, else the system locale.
import { afterEach, describe, expect, it } from "vitest";
import { detectLang, normalizeLang, setLang, t } from "./index.js";

afterEach(() => setLang("en"));

describe("detectLang", () => {
  it("takes --lang first", () => {
    expect(detectLang("en", { LOOKBACK_LANG: "zh", LANG: "zh_CN.UTF-8" })).toBe("en");
    expect(detectLang("zh", { LOOKBACK_LANG: "en" })).toBe("zh-CN");
    expect(detectLang("zh-CN", {})).toBe("zh-CN");
  });

  it("then LOOKBACK_LANG", () => {
    expect(detectLang(undefined, { LOOKBACK_LANG: "zh", LANG: "en_US.UTF-8" })).toBe("zh-CN");
    expect(detectLang(undefined, { LOOKBACK_LANG: "en", LANG: "zh_CN.UTF-8" })).toBe("en");
  });

  it("then the system locale: zh* is Chinese, anything else English", () => {
    expect(detectLang(undefined, { LANG: "zh_CN.UTF-8" })).toBe("zh-CN");
    expect(detectLang(undefined, { LC_ALL: "zh_TW.UTF-8", LANG: "en_US.UTF-8" })).toBe("zh-CN");
    expect(detectLang(undefined, { LC_ALL: "", LANG: "zh_SG" })).toBe("zh-CN");
    expect(detectLang(undefined, { LANG: "en_GB.UTF-8" })).toBe("en");
    expect(detectLang(undefined, { LANG: "fr_FR.UTF-8" })).toBe("en");
  });

  it("skips C and POSIX, which say nothing about the language", () => {
    expect(detectLang(undefined, { LC_ALL: "C", LANG: "zh_CN.UTF-8" })).toBe("zh-CN");
    expect(normalizeLang("POSIX")).toBeUndefined();
    expect(normalizeLang("")).toBeUndefined();
  });
});

describe("t", () => {
  it("gives the message in the chosen language, with its parameters filled in", () => {
    setLang("en");
    expect(t("validate.summary.ok", { files: 3, checklists: 3 })).toBe(
      "3 file(s) checked, 3 checklist(s), no problems.",
    );
    setLang("zh-CN");
    expect(t("validate.summary.ok", { files: 3, checklists: 3 })).toBe(
      "已检查 3 个文件、3 份清单，未发现问题。",
    );
    expect(t("diag.unknownKey.didYouMean", { suggestion: "title" })).toBe("您是不是想写 `title`？");
  });
});
