// What a root-cause text rules out, left out before its category is read (KnowledgeBase's
// InferRootCause on import: a chat thread's `Root cause:` line, a postmortem's Root cause section,
// a tracker record's `root_cause_text`). Negation is used there only: search and mining read the
// text as written. It matters because a negated fault named in the prose ("not an NVLink error",
// "Xid 74 was a red herring") would otherwise be taken as the cause, or make a second category
// that leaves a clear one `unknown`.
//
// NotNegated(text) cuts the text in clauses (at a line break, `, ; ( ) ! ?`, a `.` or `:` before a
// space or the end, and the CJK / Spanish marks `，。；、！？：（）¡¿`) and in each clause:
// - drops it whole when it says that what it speaks of is not the cause (`ruled out`, `excluded`,
//   `red herring`, `unrelated`, `irrelevant`, `not the cause` / `culprit` / `problem` / `issue`,
//   `not to blame`, `not related`; German `ausgeschlossen`, `nicht die Ursache`, `falsche Fährte`,
//   `nichts (damit) zu tun`, `kein Zusammenhang`; French `écarté`, `exclu`, `pas la cause`, `hors de
//   cause`, `fausse piste`, `sans rapport`; Spanish `descartado`, `no fue/era/es la causa`, `pista
//   falsa`, `nada que ver`, `sin relación`; Chinese 排除, 无关/無關, 不是原因, 并非原因; Japanese 無関係,
//   除外, 関係ない);
// - else drops the words from a negation up to the clause's end or a word that starts a new
//   statement. Negations: English `not` (`n't`), `no`, `never`, `without`, `nor`, `neither`,
//   `instead of`, `rather than`; German `nicht`, `kein(e/en/em/er/es)`, `nie`, `niemals`, `ohne`,
//   `weder`, `statt`, `anstatt`, `anstelle`; French `ne` (`n'`), `pas`, `aucun(e)`, `sans`,
//   `jamais`, `ni`, `au lieu`, `plutôt que`; Spanish `no`, `nunca`, `ningún` / `ninguno` / `ninguna`,
//   `sin` (not `sin embargo`, "however"), `ni`, `tampoco`, `en lugar de`, `en vez de`; Chinese 不是,
//   并非/並非, 没有/沒有. Statement starts: English `but`, `it`, `and`, `which`, `because`, `so`,
//   `however`, `actually`; German `sondern`, `aber`, `und`, `weil`, `denn`, `jedoch`; French
//   `mais`, `et`, `parce`, `donc`, `cependant`; Spanish `sino`, `pero`, `y`, `porque`, `sin
//   embargo`; Chinese 而是, 但是, 可是, 不过/不過, 因为/因為;
// - Japanese negates after what it negates: ではな(い/く/かった), じゃな(い/く), ではありません and なし
//   drop the clause's words before them (from the clause's start or the last statement start).
// Words are runs of ASCII letters and digits and of Latin letters (U+00C0-U+024F, lower-cased for
// À-Þ), compared whole ("Nichtverfügbarkeit" is no `nicht`, "passage" no `pas`); each CJK ideograph
// or kana is a word of its own, so 不是 is matched as two words in a row (显存不足, "memory
// insufficient", holds no negation). A typographic apostrophe (’) reads as `'`. Bytes that are
// not valid UTF-8 separate words. What is kept is the text's own bytes, line breaks included
// (signatures match per line).
#pragma once

#include <string>
#include <string_view>

namespace vigil {

std::string NotNegated(std::string_view text);

}  // namespace vigil
