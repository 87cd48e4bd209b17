package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/sshdash/sshdash/themes"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// env is what a command needs from the process: streams and environment.
// Tests build one with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// guard is the terminal guard's status pipe in the guarded child
	// (set by guarded), nil otherwise.
	guard *guardLink
	// onFlags, if set, is given each flag set a command defines (shell
	// completion runs commands with --help to learn their flags).
	onFlags func(*flagSet)
}

func newEnv() *env {
	return &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
}

// command is one subcommand. Interactive ones take over the terminal and
// run under the terminal guard (see guarded).
type command struct {
	name        string
	summary     string
	run         func(args []string, e *env) int
	interactive bool
}

func commands() []command {
	return []command{
		{name: "list", summary: "list hosts from your ssh config with their heartbeat", run: runList},
		{name: "resolve", summary: "print the resolved options for HOST, as ssh -G does", run: runResolve},
		{name: "connect", summary: "open a session to HOST and attach to it", run: runConnect, interactive: true},
		{name: "sessions", summary: "list sshdash's sessions on HOST, to resume with connect --resume", run: runSessions},
		{name: "probe", summary: "send heartbeats to HOST and print their round trips, like ping", run: runProbe},
		{name: "demo", summary: "open the dashboard on embedded local demo servers", run: runDemo, interactive: true},
		{name: "completion", summary: "print a shell completion script (bash, zsh, fish)", run: runCompletion},
	}
}

const usageHead = `sshdash — a dashboard for SSH sessions that never die silently

usage:
  sshdash [-F FILE] [--theme NAME]   open the dashboard
  sshdash COMMAND [flags] [args]     flags may come before or after args

commands:
`

const usageTail = `
flags are GNU style: -F FILE, -FFILE, --config-file=FILE, --theme light.
Run "sshdash COMMAND --help" (or "sshdash help COMMAND") for a command's flags.
Shell completion: see "sshdash completion --help".
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, usageTail)
}

func run(args []string, e *env) int {
	args = commandFirst(args)
	if len(args) > 0 {
		switch args[0] {
		case "-h", "--help":
			usage(e.stdout)
			return 0
		case "help":
			return runHelp(args[1:], e)
		case "__complete", "__completeNoDesc":
			return runComplete(args[1:], e, args[0] == "__complete")
		case "-V", "--version", "version":
			fmt.Fprintf(e.stdout, "sshdash %s\n", version)
			return 0
		}
		for _, c := range commands() {
			if args[0] == c.name {
				if c.interactive && !wantsHelp(args[1:]) {
					if code, ok := guarded(e); ok {
						return code
					}
				}
				return e.guard.clean(c.run(args[1:], e))
			}
		}
		if !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(e.stderr, "sshdash: unknown command %q\nTry 'sshdash --help' for more information.\n", args[0])
			return 2
		}
	}
	if !wantsHelp(args) {
		if code, ok := guarded(e); ok {
			return code
		}
	}
	return e.guard.clean(runDashboard(args, e))
}

// commandFirst moves flags given before the subcommand after it, as
// GNU-style tools with subcommands take them ("sshdash -F FILE connect
// web1" is "sshdash connect -F FILE web1"). Without a subcommand the words
// are the dashboard's and stay as they are.
func commandFirst(args []string) []string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--" || a == "-" || !strings.HasPrefix(a, "-"):
			if a == "--" || !isCommand(a) || i == 0 {
				return args
			}
			out := append([]string{a}, args[:i]...)
			return append(out, args[i+1:]...)
		case a == "-F" || a == "--config-file" || a == "--theme" || a == "-theme" || a == "-config-file":
			i++ // the flag's value
		}
	}
	return args
}

func isCommand(name string) bool {
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
}

// runHelp is "sshdash help [COMMAND]": the usage of sshdash or of one
// command, on stdout.
func runHelp(args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run([]string{"--help"}, e)
		}
	}
	fmt.Fprintf(e.stderr, "sshdash help: unknown command %q\nTry 'sshdash --help' for more information.\n", args[0])
	return 2
}

// wantsHelp reports whether args ask for usage (no terminal takeover then).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// flagSet is a command's GNU-style flag set (spf13/pflag): --long and -s
// forms, --name=value, -Fvalue, flags before or after the arguments, and
// "--" to end them. Go-style single-dash long names (-theme) are accepted
// too, as earlier versions of sshdash documented them.
type flagSet struct {
	*pflag.FlagSet
	e    *env
	name string // the subcommand, "" for the dashboard
}

// newFlagSet returns a flag set for the subcommand name whose errors and
// usage go to e's streams (see parseFlags). e.onFlags, when set, is given
// it (completion reads the commands' flags this way).
func newFlagSet(name string, e *env) *flagSet {
	fs := pflag.NewFlagSet(strings.TrimSpace("sshdash "+name), pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	f := &flagSet{FlagSet: fs, e: e, name: name}
	if e.onFlags != nil {
		e.onFlags(f)
	}
	return f
}

// errUsage is a command line error already reported to the user.
var errUsage = errors.New("usage error")

// parseFlags parses the flags, which may be interleaved with positional
// arguments (as "resolve HOST -F FILE"), and returns the positionals. For
// -h/--help it prints the usage on stdout and returns pflag.ErrHelp; for a
// bad flag it prints "sshdash: unknown flag: --bogus" and where to find
// help on stderr and returns errUsage.
func parseFlags(fs *flagSet, args []string) ([]string, error) {
	usage := fs.Usage
	fs.Usage = func() {} // pflag calls it on -h; help goes to stdout below
	err := fs.Parse(fs.normalize(args))
	fs.Usage = usage
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fs.SetOutput(fs.e.stdout)
		fs.Usage()
		fs.SetOutput(fs.e.stderr)
		return nil, pflag.ErrHelp
	case err != nil:
		fs.fail("%v", err)
		return nil, errUsage
	}
	return fs.Args(), nil
}

// PrintDefaults prints the flags under a heading, GNU style.
func (fs *flagSet) PrintDefaults() {
	fmt.Fprintln(fs.Output(), "\nflags:")
	fs.FlagSet.PrintDefaults()
}

// fail reports a command line error, GNU style, with where to find help.
func (fs *flagSet) fail(format string, a ...any) {
	cmd := strings.TrimSpace("sshdash " + fs.name)
	fmt.Fprintf(fs.e.stderr, "%s: %s\nTry '%s --help' for more information.\n", cmd, fmt.Sprintf(format, a...), cmd)
}

// normalize rewrites Go-style long flags (-theme, -json=true) to their
// GNU form (--theme) when the name is a long flag of the set; everything
// after "--" is left alone.
func (fs *flagSet) normalize(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// flagExit converts a parse error into an exit code: 0 for -h, 2 otherwise.
func flagExit(err error) int {
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	return 2
}

// configFlag defines -F/--config-file, ssh's -F.
func configFlag(fs *flagSet) *string {
	return fs.StringP("config-file", "F", "", "read this ssh config `FILE` instead of ~/.ssh/config and /etc/ssh/ssh_config")
}

// themeFlag defines --theme; checkTheme validates it after parsing.
func themeFlag(fs *flagSet) *string {
	return fs.String("theme", "", "colour `THEME`: "+strings.Join(themes.Names(), ", ")+" (overrides the settings file)")
}

// checkTheme reports an unknown theme name with the list of known ones.
func checkTheme(fs *flagSet, name string) bool {
	if name == "" || slices.Contains(themes.Names(), name) {
		return true
	}
	fs.fail("unknown theme %q for --theme; themes: %s", name, strings.Join(themes.Names(), ", "))
	return false
}
