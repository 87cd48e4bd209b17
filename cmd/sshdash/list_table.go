package main

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"
	"unicode/utf8"
)

// listPadding is the space between the table's columns.
const listPadding = 2

// writeListTable prints rows as an aligned table: each column as wide as
// its widest cell (in runes) plus listPadding spaces, the last column
// unpadded. This is what text/tabwriter prints for these cells, computed
// directly: tabwriter allocated for every cell and took a third of the
// time of listing thousands of hosts. Cells holding characters tabwriter
// would interpret (tabs, line breaks, its escape byte) go through
// tabwriter itself, so the output never differs.
func writeListTable(w io.Writer, rows []listRow) {
	cols := listColumns()
	cells := make([]string, 0, (len(rows)+1)*len(cols))
	for _, c := range cols {
		cells = append(cells, c.header)
	}
	for i := range rows {
		for _, c := range cols {
			cells = append(cells, c.value(&rows[i]))
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	widths := make([]int, len(cols))
	for i, s := range cells {
		if tabwriterSpecial(s) {
			writeTabwriterTable(bw, cells, len(cols))
			return
		}
		if n := utf8.RuneCountInString(s); n > widths[i%len(cols)] {
			widths[i%len(cols)] = n
		}
	}
	const spaces = "                                                                "
	for i, s := range cells {
		col := i % len(cols)
		bw.WriteString(s)
		if col == len(cols)-1 {
			bw.WriteByte('\n')
			continue
		}
		for pad := widths[col] + listPadding - utf8.RuneCountInString(s); pad > 0; {
			n := min(pad, len(spaces))
			bw.WriteString(spaces[:n])
			pad -= n
		}
	}
}

// writeTabwriterTable prints cells (ncol a line) through text/tabwriter:
// the reference for writeListTable's layout and its path for cells that
// tabwriter would not print as plain text.
func writeTabwriterTable(w io.Writer, cells []string, ncol int) {
	tw := tabwriter.NewWriter(w, 0, 0, listPadding, ' ', 0)
	for i, s := range cells {
		if i%ncol > 0 {
			io.WriteString(tw, "\t")
		}
		io.WriteString(tw, s)
		if i%ncol == ncol-1 {
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
}

// tabwriterSpecial reports whether s holds a byte text/tabwriter treats
// as more than text: a cell or line terminator or its escape byte.
func tabwriterSpecial(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\v', '\n', '\f', tabwriter.Escape:
			return true
		}
	}
	return false
}
