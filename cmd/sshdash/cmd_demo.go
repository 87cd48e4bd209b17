package main

import (
	"context"
	"fmt"
	"os"

	"github.com/sshdash/sshdash/internal/demo"
)

const demoUsage = `usage: sshdash demo [--serve]

Starts embedded SSH servers on 127.0.0.1 (a healthy host, a slow one, and a
flaky one whose link goes silent every half minute), writes a throwaway
ssh_config for them and opens the dashboard on it, with a session to each
already opening in the background. The shells are real but
local: /bin/sh on this machine, in a temporary directory. Everything the demo
started stops when you quit.

  --serve   only run the servers and print how to reach them (for ssh -F,
            or a second sshdash), until interrupted
`

func runDemo(args []string, e *env) int {
	fs := newFlagSet("demo", e)
	serve := fs.Bool("serve", false, "run the demo servers only, until interrupted")
	theme := themeFlag(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), demoUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if !checkTheme(fs, *theme) {
		return 2
	}
	if len(pos) > 0 {
		fs.Usage()
		return 2
	}
	d, err := demo.Start(context.Background(), demo.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 1
	}
	defer d.Close()
	fmt.Fprintf(e.stderr, "sshdash demo: %d local SSH servers on 127.0.0.1; their shells run on this machine under %s\n", len(d.Hosts), d.Dir)
	for _, h := range d.Hosts {
		fmt.Fprintf(e.stderr, "  %-13s %s\n", h.Alias, h.About)
	}
	if *serve {
		fmt.Fprintf(e.stdout, "%s\n", d.ConfigPath)
		fmt.Fprintf(e.stderr, "try: ssh -F %s demo-healthy   (ctrl+c stops the demo)\n", d.ConfigPath)
		sig := notifyInterrupt()
		defer sig.stop()
		<-sig.c
		return 0
	}
	a, err := newAppWith(e, d.ConfigPath, d.Settings)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 1
	}
	a.themeFlag = *theme
	a.left = newLeftovers(nil, a.log, a.mgr.PendingCleanup) // the demo's hosts are not the user's
	// The demo shows live rows from its first screen: its sessions open
	// in the background without a key.
	for _, h := range d.Hosts {
		a.openAtStart = append(a.openAtStart, h.Alias)
	}
	code := runDashboardWith(a, e, 0)
	_ = os.Stderr.Sync()
	return code
}
