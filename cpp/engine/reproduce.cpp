// Filled in by the issue on the key lemma and the paper's figures.
#include "trainer.hpp"
