package output

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
)

// JQError is a --jq expression that does not parse, or that fails on the
// data (.x of an array, a string added to a number). The expression is the
// user's input, so it is a usage error (exit 2), as a bad --template is.
type JQError struct{ Err error }

func (e *JQError) Error() string { return "--jq: " + e.Err.Error() }
func (e *JQError) Unwrap() error { return e.Err }

func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, &JQError{err}
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, &JQError{err}
	}
	return code, nil
}

// Filter runs the --jq expression over each JSON value in data (a command's
// --json output: one value, or several one after another) and writes the
// results as gh does: strings as they are, one a line; other values as
// JSON, compact in a pipe and indented on a terminal. Strings that reach a
// terminal are made safe for it. Cancelling ctx (Ctrl-C) stops an
// expression that would run on and on (range(1e9)).
func (f Format) Filter(ctx context.Context, w io.Writer, data []byte) error {
	code, err := compileJQ(f.JQ)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(w)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			// A command without JSON output (completion, man) has nothing
			// for the expression: the flag was misused.
			return &JQError{fmt.Errorf("this command printed no JSON to filter (%v)", err)}
		}
		iter := code.RunWithContext(ctx, normalizeNumbers(v))
		for {
			r, ok := iter.Next()
			if !ok {
				break
			}
			if err, ok := r.(error); ok {
				var halt *gojq.HaltError
				if errors.As(err, &halt) && halt.Value() == nil {
					break
				}
				out.Flush()
				return &JQError{err}
			}
			if s, ok := r.(string); ok {
				if f.Term.TTY {
					s = Text(s)
				}
				out.WriteString(s)
				out.WriteByte('\n')
				continue
			}
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			if f.Term.TTY {
				enc.SetIndent("", "  ")
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	return out.Flush()
}

// normalizeNumbers turns json.Number into the int or float64 gojq works
// with, keeping big integers exact.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case []any:
		for i := range x {
			x[i] = normalizeNumbers(x[i])
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
		return x
	default:
		return v
	}
}
