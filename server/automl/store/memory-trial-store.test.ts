import { MemoryTrialStore } from "./memory-trial-store";
import { trialStoreContract } from "./trial-store.contract";

trialStoreContract("MemoryTrialStore", () => new MemoryTrialStore());
