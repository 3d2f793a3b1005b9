/** The journal's name beside pyproject.toml: present only while a change is under way or was cut short. */
export const JOURNAL_FILE = ".hpm.journal.json";
