package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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
		{name: "probe", summary: "send heartbeats to HOST and print their round trips, like ping", run: runProbe},
		{name: "demo", summary: "open the dashboard on embedded local demo servers", run: runDemo, interactive: true},
	}
}

const usageHead = `sshdash — a dashboard for SSH sessions that never die silently

usage:
  sshdash [-F FILE] [--theme NAME]   open the dashboard
  sshdash COMMAND [flags] [args]

commands:
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun \"sshdash COMMAND --help\" for a command's flags.\n")
}

func run(args []string, e *env) int {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "--help", "help":
			usage(e.stdout)
			return 0
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
			fmt.Fprintf(e.stderr, "sshdash: unknown command %q\n\n", args[0])
			usage(e.stderr)
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

// wantsHelp reports whether args ask for usage (no terminal takeover then).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// newFlagSet returns a flag set that reports errors on e.stderr and does
// not exit.
func newFlagSet(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("sshdash "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses flags that may be interleaved with positional arguments
// (as "resolve HOST -F FILE"), returning the positionals. It returns
// errHelp after printing usage for -h, or another error after printing it.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagExit converts a parse error into an exit code: 0 for -h, 2 otherwise.
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
