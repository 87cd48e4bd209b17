package main

import (
	"errors"
	"fmt"

	"github.com/sshdash/sshdash/config"
)

const resolveUsage = `usage: sshdash resolve [-F FILE] [-l USER] [-p PORT] [user@]HOST[:PORT]

Prints the options ssh would use for HOST, in the format of "ssh -G":
Host and Match blocks, Includes, tokens and defaults applied. Match exec
commands are run, as ssh runs them. Like "ssh -G", resolve is strict: a
broken line anywhere in the files ssh reads (an unknown keyword, a bad
value, an Include loop, a badly owned file), whether or not it applies to
HOST, is reported on stderr as "file:line: reason" and the command exits
with status 255, as ssh does. ("sshdash list" and the dashboard skip such
lines instead.)
`

func runResolve(args []string, e *env) int {
	fs := newFlagSet("resolve", e)
	file := configFlag(fs)
	login := fs.StringP("login", "l", "", "remote user, as ssh -l (overrides user@)")
	port := fs.IntP("port", "p", 0, "port, as ssh -p (overrides :PORT)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), resolveUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		if len(pos) == 0 {
			fmt.Fprintln(e.stderr, "sshdash resolve: missing HOST")
		} else {
			fmt.Fprintf(e.stderr, "sshdash resolve: unexpected argument %q\n", pos[1])
		}
		fs.Usage()
		return 2
	}
	user, host, destPort, err := config.ParseDestination(pos[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash resolve: %v\n", err)
		return 2
	}
	if *login != "" {
		user = *login
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(e.stderr, "sshdash resolve: bad port %d\n", *port)
		return 2
	}
	if *port != 0 {
		destPort = *port
	}
	cfg, err := loadConfig(*file, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash resolve: %v\n", err)
		return 255
	}
	r, err := cfg.Resolve(host, config.ResolveOptions{
		RunExec:    true,
		Strict:     true,
		User:       user,
		Port:       destPort,
		Lookup:     config.SystemLookup,
		ExecStderr: e.stderr,
	})
	if err != nil {
		var refused *config.RefusedError
		if errors.As(err, &refused) {
			// The lines ssh would reject for this host (an unknown
			// keyword may be ignored for one host and not another).
			for _, p := range refused.Problems {
				fmt.Fprintln(e.stderr, p.Error())
			}
		} else {
			printConfigErrors(e.stderr, cfg)
		}
		fmt.Fprintf(e.stderr, "sshdash resolve: %v\n", err)
		if errors.Is(err, config.ErrFatal) {
			return 255
		}
		return 1
	}
	for _, l := range r.Lines() {
		fmt.Fprintln(e.stdout, l)
	}
	return 0
}
