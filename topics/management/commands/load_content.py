from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from topics.content import ContentError, parse_loose_bank, parse_paths_file, parse_topic_file, read_text
from topics.importer import import_content

PATHS_FILE = "paths.yaml"
PROGRESS_THRESHOLD = 50
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Load topics and study paths from Markdown files or folders (default: fixtures/content/). "
        "Idempotent and progress-safe; a bad file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", default=["fixtures/content/"], help="files or folders")
        parser.add_argument("--topic", help="slug of the topic a loose question bank (no front matter) goes into")
        parser.add_argument("--title", help="title of that topic")
        parser.add_argument(
            "--progress",
            choices=["auto", "always", "never"],
            default="auto",
            help=f"show a progress bar for files of {PROGRESS_THRESHOLD}+ questions (auto: on a terminal)",
        )

    def handle(self, *args, **options) -> None:
        topic_files, paths_files = self._collect(options["paths"])
        try:
            topics = []
            for path in topic_files:
                text = read_text(path)
                if text.lstrip("\ufeff").startswith("---"):
                    topics.append(parse_topic_file(text.lstrip("\ufeff"), str(path)))
                elif options["topic"]:
                    topics.append(
                        parse_loose_bank(text, str(path), options["topic"], options["title"] or options["topic"])
                    )
                else:
                    raise ContentError(
                        str(path),
                        1,
                        "no front matter: for a loose question bank, name its topic with --topic SLUG --title TITLE",
                    )
            if len(paths_files) > 1:
                raise CommandError("give at most one paths file")
            paths = None
            if paths_files:
                paths = (parse_paths_file(read_text(paths_files[0]), str(paths_files[0])), str(paths_files[0]))
            show = options["progress"] == "always" or (options["progress"] == "auto" and self.stdout.isatty())
            reports = import_content(topics, paths, on_question=self._progress if show else None)
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was changed.") from None
        for report in reports:
            self.stdout.write(f"{report.source}: {report.summary()}")

    def _progress(self, topic, done: int) -> None:
        total = len(topic.questions)
        if total < PROGRESS_THRESHOLD:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stdout.write(f"\r{topic.source}: [{bar}] {done}/{total}", ending="\n" if done == total else "")
        self.stdout.flush()

    def _collect(self, arguments: list[str]) -> tuple[list[Path], list[Path]]:
        topic_files: list[Path] = []
        paths_files: list[Path] = []
        for argument in arguments:
            path = Path(argument)
            if path.is_dir():
                topic_files += sorted(p for p in path.glob("*.md") if p.name.lower() != "readme.md")
                if (path / PATHS_FILE).is_file():
                    paths_files.append(path / PATHS_FILE)
            elif path.is_file():
                (paths_files if path.suffix in (".yaml", ".yml") else topic_files).append(path)
            else:
                raise CommandError(f"{argument}: no such file or folder. Nothing was changed.")
        if not topic_files and not paths_files:
            raise CommandError("no content files found (*.md, paths.yaml). Nothing was changed.")
        return topic_files, paths_files
