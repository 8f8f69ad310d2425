package display

import (
	"bytes"
	"testing"
)

// FuzzUnmarshal checks that Unmarshal never panics, that whatever it accepts
// renders at any width without panicking, and that it marshals to JSON that
// reads back to the same JSON.
func FuzzUnmarshal(f *testing.F) {
	for _, tc := range goldenValues() {
		data, err := Marshal(tc.v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"kind":"pie"}`, `{"kind":"table","rows":[[]]}`,
		`{"kind":"lineplot","series":[{"x":[1,2,3],"y":[null]}],"x":{"log":true},"y":{"log":true}}`,
		`{"kind":"lineplot","series":[{"x":[-1e308,1e308],"y":[1e308,-1e308]}]}`,
		`{"kind":"lineplot","series":[{"x":[5e-324,1e308],"y":[5e-324,1e308]}],"x":{"log":true},"y":{"log":true}}`,
		`{"kind":"heatmap","values":[[1],[],[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40]],"fixed":true,"min":"+Inf","max":"NaN"}`,
		`{"kind":"heatmap","values":[[1,2]],"cols":["a\nb","\u0000"],"rows":["\t"]}`,
		`{"kind":"progress","done":-9223372036854775808,"total":9223372036854775807,"elapsed":"NaN","rate":"+Inf","eta":1e308}`,
		`{"kind":"progress","done":5,"total":-1,"rate":1e-308}`,
		`{"kind":"markdown","source":"\u001b[31mred"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			if v != nil {
				t.Fatalf("Unmarshal(%q) = %v and error %v; want no value with an error", data, v, err)
			}
			return
		}
		for _, width := range []int{0, 1, 7, 40, 80} {
			text := v.Text(width)
			if v.Kind() == KindMarkdown {
				continue
			}
			for _, line := range bytes.Split([]byte(text), []byte("\n")) {
				if n := runeLen(string(line)); n > normWidth(width) {
					t.Fatalf("Unmarshal(%q).Text(%d) has a line of %d runes: %q", data, width, n, line)
				}
			}
		}
		once, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(Unmarshal(%q)): %v", data, err)
		}
		v2, err := Unmarshal(once)
		if err != nil {
			t.Fatalf("Unmarshal(%s) of Marshal's own output: %v", once, err)
		}
		twice, err := Marshal(v2)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("JSON changed on a round trip:\n%s\n%s (%v)", once, twice, err)
		}
	})
}
