#!/usr/bin/env python3
"""Extracts the shell examples of Markdown files as a bash script of calls
`example FILE LINE MODE <<'EOF' ... EOF`, one per command, in file order
(tests/deploy/readme_examples_test.sh defines `example` and runs them).

What runs:
- ```sh, ```bash and ```shell blocks: every command. A command is a line
  and its backslash continuations; blank lines and comments between
  commands are not commands.
- ```console blocks: the lines starting with "$ " (and their
  continuations); the other lines are the output shown, not checked.
- Other blocks (no language, json, cpp, ...) are not run.

Markers, honoured so that the exceptions are visible in the Markdown:
- `<!-- readme-test: skip: REASON -->` as the last non-blank line before a
  block: the block is not run. REASON is required.
- a command that may run until Ctrl-C says so in a comment on the line
  above it or at its end ("... until Ctrl-C"; any comment naming Ctrl-C):
  MODE is "interrupt" (the test lets it run for a few seconds, then sends
  SIGINT as Ctrl-C does; it must not fail before, and must end at SIGINT);
  otherwise MODE is "run" (it must end by itself with exit status 0).

usage: readme_examples.py FILE.md...   (paths as they should be reported)
"""
import re
import sys

FENCE = re.compile(r"^(\s*)```\s*([A-Za-z0-9_-]*)\s*$")
SKIP = re.compile(r"^\s*<!--\s*readme-test:\s*skip:\s*(\S.*?)\s*-->\s*$")
SHELL_LANGUAGES = {"sh", "bash", "shell"}
UNTIL_INTERRUPTED = re.compile(r"#.*\bctrl-c\b", re.IGNORECASE)
DELIMITER = "README_EXAMPLE_END"


def commands_of_block(lines, first_line, language):
    """Yields (line number, command text, mode) for one block's lines."""
    comment_says_interrupt = False
    index = 0
    while index < len(lines):
        line = lines[index]
        number = first_line + index
        index += 1
        text = line.strip()
        if language == "console":
            if not text.startswith("$ "):
                continue
            text = text[2:]
        elif not text:
            comment_says_interrupt = False
            continue
        elif text.startswith("#"):
            comment_says_interrupt = comment_says_interrupt or bool(UNTIL_INTERRUPTED.search(text))
            continue
        command = [text]
        while command[-1].endswith("\\") and index < len(lines):
            command.append(lines[index].strip())
            index += 1
        full = "\n".join(command)
        interrupt = comment_says_interrupt or bool(UNTIL_INTERRUPTED.search(command[-1]))
        comment_says_interrupt = False
        yield number, full, "interrupt" if interrupt else "run"


def examples_of_file(path):
    with open(path, encoding="utf-8") as markdown:
        lines = markdown.read().split("\n")
    index = 0
    last_text = ""
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            if lines[index].strip():
                last_text = lines[index]
            index += 1
            continue
        language = fence.group(2).lower()
        start = index + 1
        end = start
        while end < len(lines) and not lines[end].strip().startswith("```"):
            end += 1
        skip = SKIP.match(last_text)
        if "readme-test" in last_text and not skip:
            sys.exit(f"{path}:{index}: malformed marker (want <!-- readme-test: skip: REASON -->): {last_text}")
        if not skip and (language in SHELL_LANGUAGES or language == "console"):
            yield from commands_of_block(lines[start:end], start + 1, language)
        index = end + 1
        last_text = ""


def main(paths):
    for path in paths:
        for number, command, mode in examples_of_file(path):
            if DELIMITER in command:
                sys.exit(f"{path}:{number}: an example contains {DELIMITER}")
            print(f"example '{path}' {number} {mode} <<'{DELIMITER}'\n{command}\n{DELIMITER}")


if __name__ == "__main__":
    main(sys.argv[1:])
