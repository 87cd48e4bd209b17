package settings

// record decodes a [[host]] entry's record or record-input key.
func (d *decoder) record(path, key string, v any, h *Host) {
	b, ok := v.(bool)
	if !ok {
		d.fail(path, "want true or false, got %s", typeName(v))
		return
	}
	if key == "record" {
		h.Record = &b
	} else {
		h.RecordInput = &b
	}
}

// Record reports whether sessions to alias are recorded (record = true in
// the first matching [[host]] entry that sets it) and whether their input
// is, when they are recorded (here or by connect --record): record-input,
// likewise. Both off by default; f may be nil.
func (f *File) Record(alias string) (record, input bool) {
	if h, ok := first(f.Hosts(), alias, func(h Host) bool { return h.Record != nil }); ok {
		record = *h.Record
	}
	if h, ok := first(f.Hosts(), alias, func(h Host) bool { return h.RecordInput != nil }); ok {
		input = *h.RecordInput
	}
	return record, input
}
