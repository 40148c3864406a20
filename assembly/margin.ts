// Margin family: MarginRanking, HingeEmbedding, SoftMargin (elementwise ops on the shared driver of
// elementwise.ts) and the row losses MultiMargin, MultiLabelMargin, MultiLabelSoftMargin.
