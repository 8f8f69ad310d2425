package prepass

import "strings"

// helperSource is the declaration of a min or max helper named
// __seqlab_{min,max}_{type}. The helpers use no package, so they compile in
// any interpreter, and are not generic, which yaegi handles poorly.
func helperSource(name string) string {
	rest := strings.TrimPrefix(name, "__seqlab_")
	op, typ, _ := strings.Cut(rest, "_")
	r := strings.NewReplacer("NAME", name, "T", typ)
	if typ == "float32" || typ == "float64" {
		// Go's rules: a NaN argument makes the result NaN; min(-0.0, 0.0) is
		// -0.0 and max(-0.0, 0.0) is 0.0 (1/x tells the zeros apart).
		if op == "min" {
			return r.Replace(minFloat)
		}
		return r.Replace(maxFloat)
	}
	if op == "min" {
		return r.Replace(minOrdered)
	}
	return r.Replace(maxOrdered)
}

const minOrdered = `func NAME(x T, ys ...T) T {
	for _, y := range ys {
		if y < x {
			x = y
		}
	}
	return x
}
`

const maxOrdered = `func NAME(x T, ys ...T) T {
	for _, y := range ys {
		if y > x {
			x = y
		}
	}
	return x
}
`

const minFloat = `func NAME(x T, ys ...T) T {
	for _, y := range ys {
		switch {
		case x != x:
			return x
		case y != y:
			return y
		case y < x:
			x = y
		case y == x && y == 0 && 1/y < 0:
			x = y
		}
	}
	return x
}
`

const maxFloat = `func NAME(x T, ys ...T) T {
	for _, y := range ys {
		switch {
		case x != x:
			return x
		case y != y:
			return y
		case y > x:
			x = y
		case y == x && x == 0 && 1/x < 0:
			x = y
		}
	}
	return x
}
`
