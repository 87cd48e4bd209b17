package main

import (
	"bytes"
	"strings"
	"testing"
)

// tableCells are the cells writeListTable lays out for rows, header first.
func tableCells(rows []listRow) []string {
	cols := listColumns()
	var cells []string
	for _, c := range cols {
		cells = append(cells, c.header)
	}
	for i := range rows {
		for _, c := range cols {
			cells = append(cells, c.value(&rows[i]))
		}
	}
	return cells
}

// TestListTableMatchesTabwriter checks the direct table layout against
// text/tabwriter's for awkward cells: wide and multi-byte names, invalid
// UTF-8, a cell wider than the padding buffer, empty values, and cells
// with characters tabwriter interprets (which take tabwriter's path).
func TestListTableMatchesTabwriter(t *testing.T) {
	long := strings.Repeat("x", 150)
	cases := map[string][]listRow{
		"none":    nil,
		"plain":   {{Alias: "web1", User: "deploy", HostName: "10.0.0.1", Port: 22, File: "/c", Line: 1, Heartbeat: "probe 15s×3", HeartbeatSource: "default"}, {Alias: "db", Port: 0, File: "/c", Line: 4}},
		"unicode": {{Alias: "héllo-wörld", User: "ユーザー", File: "/ü", Line: 9}, {Alias: "a", Tags: []string{"prod", "eu"}, File: "/c", Line: 10}},
		"invalid": {{Alias: "bad\x80\xfe", User: "u", File: "/c", Line: 1}, {Alias: "ok", File: "/c", Line: 2}},
		"long":    {{Alias: long, ProxyJump: long + "j", File: "/c", Line: 1}, {Alias: "b", File: "/c", Line: 2}},
		"tab":     {{Alias: "a\tb", File: "/c", Line: 1}, {Alias: "c", File: "/c", Line: 2}},
		"vtab":    {{Alias: "a\vb", User: "x\fy", File: "/c", Line: 1}},
		"escape":  {{Alias: "a\xffb\xffc", File: "/c", Line: 1}, {Alias: "dd", File: "/c", Line: 2}},
	}
	for name, rows := range cases {
		var got, want bytes.Buffer
		writeListTable(&got, rows)
		writeTabwriterTable(&want, tableCells(rows), len(listColumns()))
		if got.String() != want.String() {
			t.Errorf("%s: table differs from tabwriter's\n got: %q\nwant: %q", name, got.String(), want.String())
		}
	}
}
