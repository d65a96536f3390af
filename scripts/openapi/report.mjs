// Prints a linter's JSON report as one line per problem and a last line "<linter>: N errors, N warnings";
// exits 1 when there is any error or warning.
//
//   node report.mjs redocly|spectral REPORT.json
import { readFileSync } from "node:fs";

const [linter, file] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, "utf8"));

// Redocly: { problems: [{ severity: "error"|"warn", ruleId, message, location: [{ pointer }] }] }.
// Spectral: [{ severity: 0 error, 1 warn, 2 info, 3 hint, code, message, path: [...] }].
const pointerSegment = s => String(s).replaceAll("~", "~0").replaceAll("/", "~1");
const problems = linter === "redocly"
    ? report.problems.map(p => ({ severity: p.severity === "warn" ? "warning" : p.severity, rule: p.ruleId, at: p.location?.[0]?.pointer ?? "", message: p.message }))
    : report.map(p => ({ severity: ["error", "warning", "info", "hint"][p.severity], rule: p.code, at: "#/" + p.path.map(pointerSegment).join("/"), message: p.message }));

for (const p of problems) {
    console.log(`  ${p.severity.padEnd(8)} ${p.rule}  ${p.at}  ${p.message}`);
}
const count = severity => problems.filter(p => p.severity === severity).length;
const errors = count("error");
const warnings = count("warning");
console.log(`${linter}: ${errors} errors, ${warnings} warnings`);
process.exit(errors + warnings > 0 ? 1 : 0);
