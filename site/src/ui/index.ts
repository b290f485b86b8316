export { BarChart, type BarDatum, type BarSeries, ChartTable, LineChart } from './chart';
export { CloseButton } from './close-button';
export { dateColumn, numberColumn } from './columns';
export { ConfirmAction } from './confirm-action';
export { type Column, DataTable } from './data-table';
export { Dialog } from './dialog';
export { EmptyState } from './empty-state';
export { describedBy, Field, type FieldOption, type FieldProps } from './field';
export { FilterBar } from './filter-bar';
export * from './format';
export {
  attempt,
  type CursorList,
  type CursorPage,
  type Resource,
  useCursorList,
  usePageTitle,
  useResource,
} from './hooks';
export { LoadMore, Pager } from './pager';
export { ProblemAlert } from './problem-alert';
export { ProgressBar } from './progress-bar';
export { type TabItem, Tabs } from './tabs';
export { LiveMessage, Toast } from './toast';
