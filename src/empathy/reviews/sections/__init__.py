"""The building blocks of review packs. Each builder takes the `PackContext` and returns one
`Section`; `empathy.reviews.packs` lists which builders each cadence uses, in order."""
