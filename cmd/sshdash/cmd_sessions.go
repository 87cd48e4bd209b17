package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/sshdash/sshdash/session"
)

const sessionsUsage = `usage: sshdash sessions [-F FILE] [--json] HOST
       sshdash sessions [-F FILE] --close NAME HOST

Lists sshdash's sessions on HOST: the shells started by sshdash (from this
machine or another) in its private tmux or screen server, with when each was
created and last attached, whether an sshdash is attached to it now, and the
program in its foreground. A detached one is resumable: killing sshdash,
closing its terminal or rebooting the laptop leaves the shell running, and
"sshdash connect --resume HOST" goes back to it. --close NAME ends one (its
shell is ended, as when its session is closed on purpose).
`

// sessionRow is one remote session of "sshdash sessions --json". The
// field names are part of sshdash's interface for scripts: add fields,
// never rename them.
type sessionRow struct {
	Name         string     `json:"name"`
	Kind         string     `json:"kind"`  // tmux or screen
	State        string     `json:"state"` // detached, attached or ended
	Alias        string     `json:"alias"`
	Client       string     `json:"client"`
	Mine         bool       `json:"this_client"`
	Command      string     `json:"command"`
	Created      *time.Time `json:"created,omitempty"`
	LastAttached *time.Time `json:"last_attached,omitempty"`
	IdleSeconds  float64    `json:"idle_seconds"`
}

func runSessions(args []string, e *env) int {
	fs := newFlagSet("sessions", e)
	cfgFile := configFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	closeName := fs.String("close", "", "end the session `NAME` on HOST instead of listing")
	fs.Usage = func() { fmt.Fprint(fs.Output(), sessionsUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	a, p, code := openPlan(e, *cfgFile, pos[0])
	if a == nil {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *closeName != "" {
		return closeOnHost(ctx, a, p, e, *closeName)
	}
	list, err := listOnHost(ctx, a, p, e, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 255
	}
	rows := make([]sessionRow, 0, len(list))
	for _, r := range list {
		rows = append(rows, toSessionRow(r))
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
			return 1
		}
		return 0
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stderr, "sshdash: no sshdash sessions on %s\n", p.Alias)
		return 0
	}
	printSessions(e.stdout, rows, time.Now())
	return 0
}

// listOnHost connects to a plan's host as a session would (prompts in
// the terminal when there is one) and lists sshdash's sessions there.
// secrets, when not nil, keeps what was typed for a session's dial.
func listOnHost(ctx context.Context, a *app, p *session.Plan, e *env, secrets *session.Secrets) ([]session.RemoteSession, error) {
	conn, err := dialForList(ctx, a, p, e, secrets)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	list, err := session.ListRemoteSessions(lctx, conn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Alias, err)
	}
	return list, nil
}

// closeOnHost ends the session name on the plan's host, when it is one of
// sshdash's sessions there.
func closeOnHost(ctx context.Context, a *app, p *session.Plan, e *env, name string) int {
	conn, err := dialForList(ctx, a, p, e, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 255
	}
	defer conn.Close()
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	list, err := session.ListRemoteSessions(lctx, conn)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %s: %v\n", p.Alias, err)
		return 255
	}
	found := false
	for _, r := range list {
		found = found || r.Name == name
	}
	if !found {
		fmt.Fprintf(e.stderr, "sshdash: %s: no session %s on this host (sshdash sessions %s lists them)\n", p.Alias, name, p.Alias)
		return 1
	}
	if err := session.CloseRemoteSession(lctx, conn, name); err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %s: %v\n", p.Alias, err)
		return 1
	}
	fmt.Fprintf(e.stderr, "sshdash: %s: closed %s\n", p.Alias, name)
	return 0
}

// dialForList connects to a plan's host as a session would, asking in
// the terminal when there is one.
func dialForList(ctx context.Context, a *app, p *session.Plan, e *env, secrets *session.Secrets) (*session.Conn, error) {
	hooks := session.DialHooks{Banner: func(b string) { printBanner(e.stderr, b) }}
	if in, _ := ttyFiles(e); in != nil {
		hooks.Ask = func(_ context.Context, pr *session.Prompt) ([]string, error) {
			answerInTerminal(pr, e, in)
			return pr.Wait(ctx)
		}
	}
	return a.opener.Dial(ctx, p, hooks, secrets)
}

func toSessionRow(r session.RemoteSession) sessionRow {
	row := sessionRow{Name: r.Name, Kind: r.Kind, State: sessionState(r), Alias: r.Alias, Client: r.Client,
		Mine: r.Mine, Command: r.Command, IdleSeconds: r.Idle.Seconds()}
	if !r.Created.IsZero() {
		t := r.Created
		row.Created = &t
	}
	if !r.LastAttached.IsZero() {
		t := r.LastAttached
		row.LastAttached = &t
	}
	return row
}

func sessionState(r session.RemoteSession) string {
	switch {
	case r.Ended:
		return "ended"
	case r.Attached:
		return "attached"
	}
	return "detached"
}

// printSessions prints the table of "sshdash sessions", most recently
// used first.
func printSessions(w io.Writer, rows []sessionRow, now time.Time) {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	ago := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return agoText(now.Sub(*t))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tLAST ATTACHED\tCREATED\tCOMMAND\tOPENED AS\tCLIENT")
	for _, r := range rows {
		client := dash(r.Client)
		if r.Mine {
			client += " (this machine)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.State, ago(r.LastAttached), ago(r.Created), dash(r.Command), dash(r.Alias), client)
	}
	_ = tw.Flush()
}

// agoText says how long ago, coarsely: "just now", "5 min ago", "3 h
// ago", "2 days ago".
func agoText(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
