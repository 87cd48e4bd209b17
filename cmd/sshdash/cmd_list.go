package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/config/settings"
	"github.com/sshdash/sshdash/session"
)

const listUsage = `usage: sshdash list [-F FILE] [--json]

Lists every host alias from your ssh configuration (~/.ssh/config, then
/etc/ssh/ssh_config, with their Includes; or -F FILE) with the user,
host name, port and jump host ssh would use, and where it is defined.
Problems in the configuration are reported on stderr as "file:line: reason";
the other hosts are still listed.
`

// listGCPercent is the garbage collector's GOGC while listing: 5,000
// hosts peak at about 21 MiB RSS with it, as with the default.
const listGCPercent = 400

// listRow is one host of "sshdash list". The JSON field names are part of
// sshdash's interface for scripts: add fields, never rename them.
type listRow struct {
	Alias     string `json:"alias"`
	User      string `json:"user"`
	HostName  string `json:"hostname"`
	Port      int    `json:"port"`
	ProxyJump string `json:"proxyjump"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	// Tags are the host's sshdash tags: the settings file's [[host]]
	// tags and the "# sshdash: tags=" comments of its Host blocks.
	// Always an array ([] when none).
	Tags []string `json:"tags"`
	// The effective heartbeat (settings file → ssh_config ServerAlive* →
	// settings default → built-in) and where each part came from.
	Heartbeat         string  `json:"heartbeat"` // e.g. "probe 15s×3"
	HeartbeatMode     string  `json:"heartbeat_mode"`
	HeartbeatInterval float64 `json:"heartbeat_interval_seconds"`
	HeartbeatCount    int     `json:"heartbeat_count"`
	HeartbeatSource   string  `json:"heartbeat_source"`
	Error             string  `json:"error,omitempty"` // why the host could not be resolved
}

// listColumn is one column of the text table.
type listColumn struct {
	header string
	value  func(r *listRow) string
}

// listColumns are the columns of the text table, in order. Adding a
// column (the heartbeat, for instance) is one entry here.
func listColumns() []listColumn {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return []listColumn{
		{"HOST", func(r *listRow) string { return r.Alias }},
		{"USER", func(r *listRow) string { return dash(r.User) }},
		{"HOSTNAME", func(r *listRow) string { return dash(r.HostName) }},
		{"PORT", func(r *listRow) string {
			if r.Port == 0 {
				return "-"
			}
			return strconv.Itoa(r.Port)
		}},
		{"PROXYJUMP", func(r *listRow) string { return dash(r.ProxyJump) }},
		{"HEARTBEAT", func(r *listRow) string { return dash(r.Heartbeat) }},
		{"FROM", func(r *listRow) string { return dash(r.HeartbeatSource) }},
		{"TAGS", func(r *listRow) string { return dash(strings.Join(r.Tags, ",")) }},
		{"FILE", func(r *listRow) string { return r.File + ":" + strconv.Itoa(r.Line) }},
	}
}

// heartbeatTexts caches the printed form of each distinct effective
// heartbeat: thousands of hosts share a few, and formatting each one
// anew was a tenth of listing them.
type heartbeatTexts map[settings.Effective][2]string

// texts returns hb's String and Source.
func (c heartbeatTexts) texts(hb settings.Effective) (str, src string) {
	t, ok := c[hb]
	if !ok {
		t = [2]string{hb.Settings.String(), hb.Source()}
		c[hb] = t
	}
	return t[0], t[1]
}

// buildListRow resolves one host for the listing. Match exec commands are
// not run while listing.
func buildListRow(cfg *config.Config, op *session.Opener, h config.HostEntry, hbt heartbeatTexts) listRow {
	row := listRow{Alias: h.Alias, File: h.File, Line: h.Line, Tags: hostTags(h, op.Settings)}
	r, err := cfg.Resolve(h.Alias, config.ResolveOptions{})
	if err != nil {
		row.Error = err.Error()
		return row
	}
	row.User = r.User()
	row.HostName = r.HostName()
	row.Port = r.Port()
	row.ProxyJump = r.ProxyJump()
	hb := op.HeartbeatFor(h.Alias, r)
	row.Heartbeat, row.HeartbeatSource = hbt.texts(hb)
	row.HeartbeatMode = string(hb.Mode)
	row.HeartbeatInterval, row.HeartbeatCount = hb.Interval.Seconds(), hb.Count
	return row
}

// hostTags is the union of a host's tags from ssh_config comments and
// from the settings file's [[host]] entries (sf may be nil), never nil.
func hostTags(h config.HostEntry, sf *settings.File) []string {
	tags := config.AddTags(make([]string, 0, len(h.Tags)), h.Tags...)
	return config.AddTags(tags, sf.Tags(h.Alias)...)
}

// loadConfig loads the ssh configuration for a command: -F FILE or the
// default files, with the command's environment.
func loadConfig(file string, e *env) (*config.Config, error) {
	return config.Load(config.LoadOptions{
		File: file,
		LookupEnv: func(k string) (string, bool) {
			v := e.getenv(k)
			return v, v != ""
		},
	})
}

// printConfigErrors writes the configuration's problems as "file:line:
// reason" lines.
func printConfigErrors(w io.Writer, cfg *config.Config) {
	for _, le := range cfg.Errors() {
		fmt.Fprintln(w, le.Error())
	}
}

func runList(args []string, e *env) int {
	fs := newFlagSet("list", e)
	file := configFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON array of hosts (for scripts)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), listUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "sshdash list: unexpected argument %q\n", pos[0])
		fs.Usage()
		return 2
	}
	// A listing keeps nearly all it allocates until it prints (a few KiB
	// per host), so collections at the default pace free little and cost
	// a fifth of a large listing's CPU; this short run lets the heap grow
	// further between them. Restored for callers that run on (tests).
	defer debug.SetGCPercent(debug.SetGCPercent(listGCPercent))
	cfg, err := loadConfig(*file, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash list: %v\n", err)
		return 1
	}
	printConfigErrors(e.stderr, cfg)
	sf, err := settings.Load(settings.DefaultPath(e.getenv))
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash list: %v\n", err)
		sf = settings.Empty()
	}
	for _, se := range sf.Errors() {
		fmt.Fprintln(e.stderr, se.Error())
	}
	op := &session.Opener{Config: cfg, Settings: sf, Getenv: e.getenv}
	hosts := cfg.Hosts()
	rows := make([]listRow, 0, len(hosts))
	hbt := heartbeatTexts{}
	for _, h := range hosts {
		row := buildListRow(cfg, op, h, hbt)
		if row.Error != "" {
			fmt.Fprintf(e.stderr, "sshdash list: %s: %s\n", row.Alias, row.Error)
		}
		rows = append(rows, row)
	}
	if *asJSON {
		bw := bufio.NewWriterSize(e.stdout, 64<<10)
		defer bw.Flush()
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintf(e.stderr, "sshdash list: %v\n", err)
			return 1
		}
		return 0
	}
	if len(rows) == 0 {
		writeNoHosts(e.stdout, configPlaces(*file))
		return 0
	}
	writeListTable(e.stdout, rows)
	return 0
}

// writeNoHosts explains an empty list: where sshdash looked, and what to
// try instead.
func writeNoHosts(w io.Writer, places []string) {
	fmt.Fprintln(w, "No hosts: no Host entries with a concrete name in")
	for _, p := range places {
		note := ""
		if _, err := os.Stat(p); err != nil {
			note = " (not found)"
		}
		fmt.Fprintf(w, "  %s%s\n", displayPath(p), note)
	}
	fmt.Fprintln(w, "Add a Host block there (as for ssh), or run \"sshdash demo\" to try sshdash on local demo servers.")
}

// configPlaces are the ssh configuration files sshdash reads: file (-F),
// or the user's and the system's, as ssh finds them (the home directory
// from the passwd entry, as config.Load).
func configPlaces(file string) []string {
	if file != "" {
		return []string{file}
	}
	home := ""
	if u, err := user.Current(); err == nil && u.HomeDir != "" {
		home = u.HomeDir
	} else if h, err := os.UserHomeDir(); err == nil {
		home = h
	}
	return []string{filepath.Join(home, ".ssh", "config"), "/etc/ssh/ssh_config"}
}
