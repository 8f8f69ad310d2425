// Package tasks generates the synthetic sequence tasks of the seqlab recall
// benchmarks: small, exactly specified problems that each isolate one kind of
// memory, so that an RNN, an LSTM and a transformer can be compared on it.
//
// Every task is deterministic given its random source: the same seed gives
// the same batches. A Task describes itself with a Spec (vocabulary or
// features, output width, sequence length, chance level) and fills a Batch:
// B sequences as an nn.Input, the flat positions b·T+t that the task queries
// and the answer expected at each. A model is scored only at those positions,
// with Batch.Accuracy (classification) or Batch.MSE (regression).
//
// The four benchmark tasks (see BENCHMARKS.md for the protocol):
//
//   - delayed (size: the lag L): key, L distractors, query marker; answer the
//     key. Measures how long a model keeps one item through noise: the
//     forgetting curve (Hochreiter & Schmidhuber 1997). Chance 1/8.
//   - adding (size: T): real-valued steps (value, marker); answer the sum of
//     the two marked values, one in each half. Measures long-range memory of
//     continuous values and the ability to ignore what is unmarked
//     (Le et al. 2015; Arjovsky et al. 2016). Regression; the baseline that
//     always predicts 1 has MSE 1/6.
//   - mqar (size: N pairs, T = 64): N key–value pairs, then the N keys again;
//     answer each key's value. Measures associative-memory capacity: a
//     fixed-size state must hold N·log₂64 bits, attention can look pairs up
//     (Arora et al. 2023). Chance 1/64.
//   - induction (size: T): random tokens with "trigger a" once in the first
//     half and the trigger again at the end; answer a. Measures the
//     induction-head mechanism, matching a previous occurrence and copying what
//     followed it (Olsson et al. 2022). Chance 1/20.
//
// Beside them, Text is next-character prediction over a text (Sonnets,
// Shakespeare's sonnets, is built in): the task of language models, used by
// the last lesson. It is not a benchmark task, so Names and New leave it out.
//
// Tokens are ints, and each task exports its vocabulary as constants
// (DelayedQuery, MQARPad, InductionTrigger, …) so code can name them.
//
// A short example, one batch of the delayed task at lag 4:
//
//	task, err := tasks.Delayed(4)
//	if err != nil {
//		return err
//	}
//	rng := rand.New(rand.NewPCG(1, 1))
//	batch := tasks.NewBatch(task, 32, rng) // batch.Tokens: 32 sequences of 6 tokens
//	out := predict(batch.Input)            // any model's output: (32·6) × 17 logits, row b·T+t
//	fmt.Println(task.Spec(), batch.Accuracy(out))
//	task.Fill(batch, 32, rng) // the next batch, reusing the storage
//
// Evaluation uses held-out sequences: the same task filled from a random
// source with a different seed.
package tasks
