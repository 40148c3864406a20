// Embedding family: CosineEmbedding, TripletMargin and TripletMarginWithDistance (row-wise distances
// over the last dim and their gradients).
