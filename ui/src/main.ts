import { mount } from 'svelte';
import App from './App.svelte';
import { app } from './state/app.svelte';
import { schemaView } from './state/schema.svelte';
import './app.css';

const params = new URLSearchParams(window.location.search);
// `?theme=dark` / `?theme=light` overrides the system's colour scheme (screenshots, tests).
const theme = params.get('theme');
if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
// `?view=schema|activity` opens that view; `&table=schema.name` a table, `&diagram` the ER diagram.
const view = params.get('view');
if (view === 'schema' || view === 'activity') app.view = view;
if (params.get('table')) schemaView.openTable(params.get('table')!);
if (params.has('diagram')) schemaView.mode = 'diagram';

export default mount(App, { target: document.getElementById('app')! });
