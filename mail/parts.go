package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// DefaultMaxParts is how many MIME parts a message may have before Parse
// refuses it. enmime links each part to its siblings by walking the list
// and joins text parts string by string, so its cost grows with the square
// of the count: 20,000 tiny parts took minutes. No request needs more than
// a few dozen.
const DefaultMaxParts = 1000

// countParts counts the MIME parts of the message in one pass over its
// lines, before enmime sees it: every line that opens a part with a
// boundary declared earlier in the message. It stops counting past max.
func countParts(r io.Reader, max int) int {
	br := bufio.NewReaderSize(r, 64<<10)
	var boundaries [][]byte
	n := 0
	atStart := true
	for {
		line, err := br.ReadSlice('\n')
		if atStart && len(line) > 2 && line[0] == '-' && line[1] == '-' {
			for _, b := range boundaries {
				rest, ok := bytes.CutPrefix(line[2:], b)
				if ok && !bytes.HasPrefix(rest, []byte("--")) {
					n++
					break
				}
			}
			if n > max {
				return n
			}
		}
		// Looked for on every line, however long, so that padding a
		// header cannot hide a boundary; at most 64 are kept.
		if len(boundaries) < 64 {
			if b := boundaryParam(line); b != nil {
				boundaries = append(boundaries, b)
			}
		}
		atStart = err != bufio.ErrBufferFull
		if err != nil && err != bufio.ErrBufferFull {
			return n
		}
	}
}

// boundaryParam is the value of a boundary= parameter on the line.
func boundaryParam(line []byte) []byte {
	// Case-insensitive without lowering the whole (maybe long) line.
	var v []byte
	for off := 0; v == nil; {
		k := bytes.IndexByte(line[off:], '=')
		if k < 0 {
			return nil
		}
		k += off
		if k >= 8 && bytes.EqualFold(line[k-8:k], []byte("boundary")) {
			v = line[k+1:]
		}
		off = k + 1
	}
	if len(v) > 0 && v[0] == '"' {
		if j := bytes.IndexByte(v[1:], '"'); j >= 0 {
			v = v[1 : j+1]
		}
	} else if j := bytes.IndexAny(v, "; \t\r\n"); j >= 0 {
		v = v[:j]
	}
	if len(v) == 0 {
		return nil
	}
	return bytes.Clone(v)
}

func tooManyParts(max int) error {
	return &ParseError{Reason: fmt.Sprintf("more than %d MIME parts: not read (a request needs far fewer; the bytes are kept)", max), plain: true}
}
