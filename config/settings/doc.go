// Package settings reads and edits sshdash's own settings file,
// $XDG_CONFIG_HOME/sshdash/config.toml (~/.config/sshdash/config.toml by
// default): the theme, attach-mode keys and per-host heartbeat and
// reattach overrides.
//
//	theme = "auto"          # auto | dark | light | high-contrast | <palette name>
//	prefix = "ctrl+^"       # attach-mode prefix key
//	statusbar = true
//	scrollback = 10000     # lines of history per session (0: none)
//	reattach = "auto"       # auto | tmux | screen | none (global default)
//	detached-ttl = "7d"     # close detached remote sessions unused this long ("off": never)
//	notify = "auto"         # watcher alerts on the terminal: auto | bell | osc9 | osc777 | none
//
//	[heartbeat]             # global default
//	mode = "probe"          # probe | noop | tcp | off
//	interval = "15s"        # Go duration, or whole seconds: interval = 15
//	count = 3
//
//	[[host]]
//	match = "db-* !db-legacy"   # ssh_config Host patterns: space-separated, ! negates
//	mode = "probe"
//	interval = "5s"
//	count = 4
//	reattach = "tmux"
//	record = true               # record sessions (asciicast v2; see session/record)
//	record-input = false        # when recorded: the keystrokes too
//	watch = ["drop", "back", "fail", "exit", "silence=30s", "match=ERROR|panic"]  # watchers (package watch)
//
// The global reattach may also be written inside [heartbeat] (but not in
// both places).
//
// Precedence: for each field, the first matching [[host]] entry that sets
// it wins (as ssh_config's first-obtained-wins, so put specific entries
// first), then ssh_config's ServerAliveInterval/ServerAliveCountMax for
// the host, then the global [heartbeat], then the built-in default (probe,
// 15 s, 3). File.Heartbeat returns the result and where each field came
// from.
//
// Errors: a file that is not valid TOML is rejected with the line of the
// syntax error. Unknown keys and invalid values are reported one by one
// with their lines (*Error) and ignored, and the rest of the file is used.
//
// Saving: SetHost and RemoveHost edit the file's text in place, touching
// only the lines of the entry concerned, so comments, blank lines and
// everything else survive; Save writes atomically with mode 0600. A
// [[host]] entry written in an unusual form (an inline table, a multi-line
// value) is not edited and SetHost says so.
package settings
