import { projectConfig } from '../../vitest.shared.mjs';

export default projectConfig();
