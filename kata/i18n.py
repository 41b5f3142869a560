"""English and Chinese text for the `kata` command. ``--lang`` wins, then KATA_LANG, then the locale."""

from __future__ import annotations

import locale
import os
import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEXT = {
    "title": ("llm-kata: how a transformer LLM really runs", "llm-kata：深入理解 Transformer LLM"),
    "progress": ("{done}/{total} exercises done", "已完成 {done}/{total} 个练习"),
    "col_exercise": ("exercise", "练习"),
    "col_title": ("title", "标题"),
    "col_status": ("status", "状态"),
    "col_file": ("your file", "你的文件"),
    "done": ("done", "完成"),
    "failing": ("failing", "未通过"),
    "not started": ("not started", "未开始"),
    "next": ("Next: {id}: edit {file}, lesson {lesson}, then `kata check {id}`.",
             "下一步：{id}：编辑 {file}，阅读 {lesson}，然后运行 `kata check {id}`。"),
    "all_done": ("All exercises pass. Well done!", "所有练习都通过了，干得好！"),
    "checking": ("Checking {id} ({title}) against {what}...", "正在检查 {id}（{title}），对象：{what}……"),
    "what_exercises": ("your code", "你的代码"),
    "impl_file_shown": ("{file} (named by KATA_IMPL_FILE)", "{file}（由 KATA_IMPL_FILE 指定）"),
    "impl_file_conflict": ("KATA_IMPL_FILE={file} and {other} both choose the code to grade; use one of them "
                           "(unset KATA_IMPL_FILE to grade your own file).",
                           "KATA_IMPL_FILE={file} 和 {other} 都在指定要评分的代码；请只用其中一个"
                           "（要给自己的文件评分，请取消 KATA_IMPL_FILE）。"),
    "what_solutions": ("the reference solutions", "参考答案"),
    "passed": ("{id}: all {total} graded tests pass.", "{id}：全部 {total} 个评分测试通过。"),
    "failed": ("{id}: {passed}/{total} graded tests pass.", "{id}：{passed}/{total} 个评分测试通过。"),
    "course_title": ("The course against the reference solutions", "整个课程对照参考答案的结果"),
    "col_passed": ("passed", "通过"),
    "col_seconds": ("seconds", "秒"),
    "course_passed": ("All {total} exercises pass against the reference solutions.",
                      "全部 {total} 个练习在参考答案上通过。"),
    "course_failed": ("{n} of {total} exercises fail against the reference solutions: {ids}.",
                      "{total} 个练习中有 {n} 个在参考答案上未通过：{ids}。"),
    "stuck": ("Lesson: {lesson}. Stuck? `kata hint {id}`.", "课程：{lesson}。卡住了？运行 `kata hint {id}`。"),
    "no_results": ("The tests did not run:", "测试没有运行："),
    "edited_tests": ("These graded test files differ from the shipped ones, so their results prove nothing: {files}. "
                     "`kata reset {id} --tests` restores them.",
                     "这些评分测试文件与原版不同，因此结果不能作数：{files}。运行 `kata reset {id} --tests` 可恢复。"),
    "hint": ("Hint {n}/{total} for {function}() in {id}:", "{id} 中 {function}() 的提示 {n}/{total}："),
    "no_more_hints": ("That was the last hint for {function}() in {id}. The lesson is {lesson}; "
                      "`kata hint {id} --function NAME` gives another function's hints.",
                      "{id} 中 {function}() 的提示已经全部给出。课程在 {lesson}；"
                      "`kata hint {id} --function 函数名` 可以查看其他函数的提示。"),
    "no_such_function": ("{id} has no function {function}; its functions are {functions}",
                         "{id} 没有函数 {function}；它的函数是 {functions}"),
    "solution_locked": ("{id} is not done yet: the solution opens once `kata check {id}` passes "
                        "(instructors: --force).",
                        "{id} 还没有完成：`kata check {id}` 通过后才能查看答案（讲师可用 --force）。"),
    "solution_applied": ("Copied {solution} over {file}; `kata check {id}` grades it.",
                         "已用 {solution} 覆盖 {file}；运行 `kata check {id}` 可以评分。"),
    "solution_applied_undo": ("Your version is saved at {backup}; `kata restore {id}` brings it back, with its status.",
                              "你的版本备份在 {backup}；运行 `kata restore {id}` 可以找回它，连同它原来的状态。"),
    "reset_confirm": ("Replace {file} with the original stub? Your version is saved first. [y/N] ",
                      "用原始模板替换 {file}？你的版本会先备份。[y/N] "),
    "standin_shipped": ("shipped with the course", "随课程附带"),
    "standin_missing": ("missing: download the course again", "缺失：请重新下载课程"),
    "reset_needs_yes": ("reset replaces {files}; run it with --yes to confirm", "reset 会替换 {files}；请加上 --yes 确认后再运行"),
    "watch_impossible": ("could not watch the exercise folder for changes", "无法监视练习文件夹的变化"),
    "reset_cancelled": ("Nothing changed.", "没有做任何修改。"),
    "reset_done": ("Restored {file}. Your version is saved at {backup} (`kata restore {id}` brings it back).",
                   "已恢复 {file}。你的版本备份在 {backup}（运行 `kata restore {id}` 可以找回）。"),
    "restore_nothing": ("there is no backup of {id} to restore (`kata reset {id}` makes one)",
                        "{id} 没有可恢复的备份（`kata reset {id}` 会先备份）"),
    "restore_done": ("Restored {file} from {backup}.", "已从 {backup} 恢复 {file}。"),
    "restore_kept": ("The file it replaced is saved at {backup}.", "被替换的文件已备份到 {backup}。"),
    "grading_starts": ("Grading {id}: loading the model...", "正在评分 {id}：加载模型……"),
    "grading_progress": ("Grading {id}: {count} tests done (last: {label})", "正在评分 {id}：已完成 {count} 个测试（最近：{label}）"),
    "watch_cancelled": ("Saved while grading: that check is cancelled; grading the new version.",
                        "评分时文件已保存：取消本次检查，改为检查新版本。"),
    "same_explanation": ("the same mistake, explained above, also fails: {tests}", "同一个错误（见上面的说明）也让这些测试失败：{tests}"),
    "distinct_mistakes": ("{n} distinct problems, each explained once above.", "共 {n} 个不同的问题，每个在上面说明一次。"),
    "reset_tests_done": ("Restored the graded tests: {files}.", "已恢复评分测试：{files}。"),
    "watch_start": ("Watching {file}. Save it to re-check; Enter re-checks now, h shows a hint, q quits.",
                    "正在监视 {file}。保存文件即可重新检查；回车立即检查，h 显示提示，q 退出。"),
    "watch_start_enter": ("Watching {file}. Save it to re-check; Enter re-checks now, h shows a hint, q quits "
                          "(press Enter after the key).",
                          "正在监视 {file}。保存文件即可重新检查；回车立即检查，h 显示提示，q 退出（按键后再按回车）。"),
    "watch_next": ("{id} passes! Moving on to {next}.", "{id} 通过了！进入 {next}。"),
    "watch_polling": ("File events are not available here; checking for changes every second instead.",
                      "此环境不支持文件事件，改为每秒检查一次文件变化。"),
    "notebook_written": ("Wrote {path}, starting from your current {file} (your work so far is in it). Open it in "
                         "Jupyter; its last cell grades it (or `kata check {id} --notebook {path}`).",
                         "已写入 {path}，内容取自你当前的 {file}（已经写好的部分都在里面）。用 Jupyter 打开；最后一个"
                         "单元格负责评分（或运行 `kata check {id} --notebook {path}`）。"),
    "bye": ("Bye! Your progress is saved.", "再见！进度已保存。"),
    "download_offline": ("The Hugging Face hub cannot be reached (no answer within {s:.0f} s). Connect to a network "
                         "and run `kata download` again; an interrupted download resumes where it stopped.",
                         "无法连接 Hugging Face hub（{s:.0f} 秒内无响应）。请联网后重新运行 `kata download`；"
                         "中断的下载会从断点继续。"),
    "download_done": ("{model} is in the Hugging Face cache at {path}. `pytest exercises/...` will use it.",
                      "{model} 已在 Hugging Face 缓存中：{path}。`pytest exercises/...` 会使用它。"),
    "download_cached": ("{model} is already cached at {path}.", "{model} 已经在缓存里：{path}。"),
}


LANGUAGES = ("en", "zh")


def detect(explicit: str | None = None) -> str:
    choice = explicit or os.environ.get("KATA_LANG")
    if not choice:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(var):
                choice = os.environ[var]
                break
        else:
            choice = (locale.getlocale()[0] or "") if hasattr(locale, "getlocale") else ""
    return "zh" if choice.lower().startswith("zh") else "en"


# Graded tests write their messages in English, as templates: t("{n} positions came back", n=n).
# The Chinese of each template is in kata/locale/zh/*.toml, one file per exercise (and one for the
# harness), keyed by the English template; a project test checks that every template has one.
LOCALE_DIR = Path(__file__).with_name("locale")


@lru_cache(maxsize=1)
def catalog() -> dict[str, str]:
    """English template -> Chinese template, from every file in kata/locale/zh/."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / "zh").glob("*.toml")):
        merged.update(tomllib.loads(path.read_text(encoding="utf-8")).get("messages", {}))
    return merged


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    """Graded test name (test_...) -> its title in Chinese, from the [titles] tables of kata/locale/zh/."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / "zh").glob("*.toml")):
        merged.update(tomllib.loads(path.read_text(encoding="utf-8")).get("titles", {}))
    return merged


def test_title(name: str, lang: str) -> str:
    """A graded test's title for people: its name in words (English), or its Chinese title."""
    if lang == "zh" and name in titles():
        return titles()[name]
    return name.removeprefix("test_").replace("_", " ")


def render(template: str, lang: str, values: dict) -> str:
    """``template`` (the English key) in ``lang``, filled in with ``values``."""
    if lang == "zh":
        template = catalog().get(template, template)
    return template.format(**values) if values else template


# While a graded test runs, every message it renders is recorded as (template, values, language):
# the template names an explanation whatever numbers fill it (kata.grading's explanation ids), and
# the record renders the same failure in the other language without running it again.
_recorded: list[tuple[str, dict, str]] | None = None


def start_recording() -> None:
    global _recorded
    _recorded = []


def stop_recording() -> list[tuple[str, dict, str]]:
    global _recorded
    calls, _recorded = _recorded or [], None
    return calls


def recorded() -> list[tuple[str, dict, str]]:
    return list(_recorded or [])


def template_of(text: str) -> str | None:
    """The template of the longest recorded message inside ``text`` (None if none was recorded)."""
    best, best_length = None, 0
    for template, values, lang in recorded():
        shown = render(template, lang, values)
        if len(shown) > best_length and shown in text:
            best, best_length = template, len(shown)
    return best


def translated(text: str, calls: list[tuple[str, dict, str]], lang: str) -> str:
    """``text`` with every recorded message in it rendered in ``lang`` instead (longest first, so a
    message that holds another is translated whole, then the one inside it)."""
    pairs = {}
    for template, values, said_in in calls:
        try:
            pairs[render(template, said_in, values)] = render(template, lang, values)
        except (KeyError, IndexError, ValueError):  # a catalog entry with other placeholders: keep it as said
            continue
    for said in sorted(pairs, key=len, reverse=True):
        if said and said != pairs[said]:
            text = text.replace(said, pairs[said])
    return text


def listed(items) -> str:
    """Items named in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return ("、" if detect() == "zh" else ", ").join(str(item) for item in items)


def t(template: str, **values) -> str:
    """``template`` filled in with ``values``, in the learner's language (English where no
    translation exists yet: a message is never lost)."""
    lang = detect()
    if _recorded is not None:
        _recorded.append((template, values, lang))
    return render(template, lang, values)


class Translator:
    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, key: str, **values) -> str:
        en, zh = TEXT[key]
        return (zh if self.lang == "zh" else en).format(**values)
