@article:duplicate-document-number
Feature: A document number QuickBooks already uses
  With custom transaction numbers and the duplicate warning on, QuickBooks refuses a second document with
  the same number. The existing QuickBooks document is left alone; renumbering it in QuickBooks and
  pressing Retry in Caspen syncs the invoice.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario Outline: Renumber the clashing QuickBooks document to <renumbered>, then Retry
    Given QuickBooks already has an invoice numbered <number>
    And Caspen's next invoice number is <number>
    And a finalized invoice for "Jo Citizen" of $220.00 with GST
    Then the QuickBooks status card shows "Duplicate document number"
    And the status card offers Retry
    And QuickBooks received exactly 1 invoice create
    And Caspen did not retry automatically
    And the QuickBooks invoice <number> is untouched
    When in QuickBooks the invoice <number> is renumbered to <renumbered>
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has invoices numbered <number> and <renumbered>

    Examples: Caspen's numbering schemes
      | number  | renumbered  |
      | INV0042 | INV0042-A   |
      | INV0107 | ADJ0107     |
      | INV0311 | INV0311-OLD |
