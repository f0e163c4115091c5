import { describe, expect, test } from "vitest";
import { numberPlaceholders } from "./placeholders.js";

describe("? placeholders become $n", () => {
  test("in order, counted", () => {
    expect(numberPlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)")).toEqual({
      text: "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)",
      count: 3,
    });
  });

  test.each([
    ["a string literal", "SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"],
    ["a doubled quote inside a literal", "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"],
    ["an E'' literal with a backslash-escaped quote", "SELECT E'a\\'?', ?", "SELECT E'a\\'?', $1"],
    ["a quoted identifier", 'SELECT "wh?" FROM t WHERE x = ?', 'SELECT "wh?" FROM t WHERE x = $1'],
    ["a line comment", "SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"],
    ["a nested block comment", "SELECT /* a /* ? */ ? */ ?", "SELECT /* a /* ? */ ? */ $1"],
    ["a dollar quote", "SELECT $$?$$, $tag$ ? $tag$, ?", "SELECT $$?$$, $tag$ ? $tag$, $1"],
  ])("never inside %s", (_what, sql, text) => {
    expect(numberPlaceholders(sql).text).toBe(text);
    expect(numberPlaceholders(sql).count).toBe(text.match(/\$\d/g)?.length);
  });

  test("a standard literal ending in a backslash ends there (standard_conforming_strings)", () => {
    expect(numberPlaceholders("SELECT 'a\\', ?").text).toBe("SELECT 'a\\', $1");
  });

  test("an unterminated literal swallows the rest (the server reports it)", () => {
    expect(numberPlaceholders("SELECT 'abc ?").count).toBe(0);
  });

  test("the same statement is translated once (cached result is identical)", () => {
    const sql = "UPDATE x SET a = ? WHERE id = ?";
    expect(numberPlaceholders(sql)).toBe(numberPlaceholders(sql));
  });
});
